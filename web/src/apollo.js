import { ApolloClient, HttpLink, InMemoryCache } from "@apollo/client";

import { readSession } from "./session.js";

// Refreshes the access token shortly before it expires; set by the auth
// provider once it knows whether the schema has a refresh mutation.
let refreshSession = null;
let pendingRefresh = null;
const REFRESH_MARGIN_MS = 30_000;

export function setSessionRefresher(refresher) {
  refreshSession = refresher;
}

async function currentAccessToken() {
  const session = readSession();
  if (!session) return null;
  const expiresSoon = session.accessExpiresAt && session.accessExpiresAt - Date.now() < REFRESH_MARGIN_MS;
  if (expiresSoon && refreshSession && session.refreshToken) {
    pendingRefresh ??= refreshSession(session.refreshToken).finally(() => {
      pendingRefresh = null;
    });
    const refreshed = await pendingRefresh;
    return refreshed?.accessToken ?? null;
  }
  return session.accessToken;
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

/** fetch for Apollo's HttpLink that sends the caller's access token. */
async function fetchWithSession(url, options) {
  const operation = operationName(options);
  const token = operation === "RefreshSession" ? null : await currentAccessToken();
  const headers = new Headers(options?.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  if (operation !== "SearchIssues") return fetch(url, { ...options, headers });
  performance.mark(SEARCH_REQUEST_MARK);
  return markedResponse(await fetch(url, { ...options, headers }));
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
