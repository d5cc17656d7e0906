import { ApolloClient, HttpLink, InMemoryCache } from "@apollo/client";
import { print } from "graphql";

import { REFRESH_SESSION } from "./graphql/accounts.js";
import { readSession, sessionFromPayload, writeSession } from "./session.js";

let pendingRefresh = null;
const REFRESH_MARGIN_MS = 30_000;
const REFRESH_LOCK = "odyssey-session-refresh";

/**
 * Trades a refresh token for a new session with a plain fetch, so it works
 * before any component has rendered. Returns the new session, null when the
 * API rejected the token (the session ended), or `undefined` when the API
 * could not be reached (the session may still be good).
 */
async function requestNewSession(refreshToken) {
  let payload;
  try {
    const response = await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ operationName: "RefreshSession", query: print(REFRESH_SESSION), variables: { refreshToken } }),
    });
    payload = await response.json();
  } catch {
    return undefined;
  }
  const tokens = payload?.data?.refreshTokens;
  return tokens ? sessionFromPayload(tokens) : null;
}

/**
 * Refreshes `stale` once for the whole browser. A refresh token works once and
 * a second use ends the session, so tabs take turns under a Web Lock, and a
 * tab that finds the token already rotated by another tab uses the new one.
 */
async function refreshSession(stale) {
  const run = async () => {
    const current = readSession();
    if (!current || current.refreshToken !== stale.refreshToken) return current;
    const next = await requestNewSession(current.refreshToken);
    if (next === undefined) return current;
    writeSession(next);
    return next;
  };
  return navigator.locks ? navigator.locks.request(REFRESH_LOCK, run) : run();
}

/** Returns the access token to send, refreshing it first when it expires soon or `force` is set. */
async function currentAccessToken(force = false) {
  const session = readSession();
  if (!session) return null;
  const expiresSoon = session.accessExpiresAt && session.accessExpiresAt - Date.now() < REFRESH_MARGIN_MS;
  if (!session.refreshToken || !(force || expiresSoon)) return session.accessToken;
  pendingRefresh ??= refreshSession(session).finally(() => {
    pendingRefresh = null;
  });
  const refreshed = await pendingRefresh;
  return refreshed?.accessToken ?? null;
}

// Performance marks around each search request: when fetch is called (which
// finds the request's Resource Timing entry) and when the page's script has
// the whole body. ResultList marks when the hits are painted, and the
// end-to-end run prints the time between them.
export const SEARCH_REQUEST_MARK = "odyssey:search-request";
export const SEARCH_RESPONSE_MARK = "odyssey:search-response";

function operationName(options) {
  const body = options?.body;
  if (typeof body !== "string") return null;
  return /"operationName":"(\w+)"/.exec(body)?.[1] ?? null;
}

/** Reads the body, so the mark is set when the last byte arrived, not the headers. */
async function markedResponse(response) {
  const text = await response.text();
  performance.mark(SEARCH_RESPONSE_MARK);
  return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
}

function withToken(options, token) {
  const headers = new Headers(options?.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  else headers.delete("Authorization");
  return { ...options, headers };
}

async function rejectedToken(response) {
  const text = await response.clone().text();
  return text.includes('"UNAUTHORIZED"');
}

/**
 * fetch for Apollo's HttpLink that sends the caller's access token. When the
 * API rejects the token because it expired or the session ended elsewhere,
 * it refreshes the session once and repeats the request. If the session is
 * over, the repeat goes without a token: public data still loads, and
 * signed-in pages ask the user to log in again. A rejected request did
 * nothing, so repeating it is safe.
 */
async function fetchWithSession(url, options) {
  const operation = operationName(options);
  const token = operation === "RefreshSession" ? null : await currentAccessToken();
  const send = (sentToken) => {
    if (operation !== "SearchIssues") return fetch(url, withToken(options, sentToken));
    performance.mark(SEARCH_REQUEST_MARK);
    return fetch(url, withToken(options, sentToken)).then(markedResponse);
  };
  const response = await send(token);
  if (!token || !(await rejectedToken(response))) return response;
  return send(await currentAccessToken(true));
}

function mergeSearchPages(existing, incoming, { args }) {
  if (!existing || !args?.after) return incoming;
  return { ...incoming, hits: [...existing.hits, ...incoming.hits] };
}

export const apolloClient = new ApolloClient({
  link: new HttpLink({ uri: "/graphql", fetch: fetchWithSession }),
  cache: new InMemoryCache({
    typePolicies: {
      Query: {
        fields: {
          // Pages of one search share a cache entry, so "load more" appends.
          search: { keyArgs: ["q", "filters", "sort"], merge: mergeSearchPages },
        },
      },
      SearchResult: { keyFields: false },
      Facet: { keyFields: false },
      FacetValue: { keyFields: false },
      PageInfo: { keyFields: false },
      Label: { keyFields: false },
    },
  }),
});
