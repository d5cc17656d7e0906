// The caller's session: tokens in localStorage, the viewer from GraphQL, and
// sign-in, sign-up and sign-out actions for the pages.
import React, { createContext, useContext, useEffect, useMemo, useState } from "react";
import { useApolloClient, useQuery } from "@apollo/client";

import { LOG_OUT, VIEWER } from "./graphql/accounts.js";
import { useSchemaFeatures } from "./schemaFeatures.jsx";
import { readSession, sessionFromPayload, subscribeSession, writeSession } from "./session.js";

const AuthContext = createContext(null);

export { sessionFromPayload };

export function AuthProvider({ children }) {
  const client = useApolloClient();
  const features = useSchemaFeatures();
  const [session, setSession] = useState(readSession);
  const viewerQuery = useQuery(VIEWER, { skip: !session, fetchPolicy: "cache-and-network" });

  useEffect(() => subscribeSession(setSession), []);

  const canLogOut = features.hasMutation("logout");
  const signedIn = Boolean(session);
  const viewer = viewerQuery.data?.viewer ?? null;
  const viewerLoading = viewerQuery.loading;
  // One value per session and viewer, so the many consumers (every result
  // card) do not re-render when the provider re-renders for other reasons.
  const value = useMemo(() => {
    async function signIn(payload) {
      writeSession(sessionFromPayload(payload));
      // Results and issues carry the caller's bookmarks, so cached ones are stale.
      await client.resetStore();
    }

    async function signOut() {
      const refreshToken = readSession()?.refreshToken;
      if (refreshToken && canLogOut) {
        // Ends the session on the server too, so its tokens stop working at once.
        await client.mutate({ mutation: LOG_OUT, variables: { refreshToken } }).catch(() => undefined);
      }
      writeSession(null);
      await client.resetStore();
    }

    return {
      signedIn,
      viewer: signedIn ? viewer : null,
      viewerLoading: signedIn && viewerLoading,
      signIn,
      signOut,
    };
  }, [signedIn, viewer, viewerLoading, canLogOut, client]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** Returns `{ signedIn, viewer, viewerLoading, signIn(payload), signOut() }`. */
export function useAuth() {
  return useContext(AuthContext);
}
