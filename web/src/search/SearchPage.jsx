import React, { useMemo, useRef } from "react";
import { NetworkStatus, useQuery } from "@apollo/client";

import { EmptyState, ErrorState } from "../components/StateMessage.jsx";
import { plural } from "../components/formatting.js";
import { SEARCH_ISSUES } from "../graphql/search.js";
import { navigate, useLocation } from "../router.jsx";
import { FacetSidebar } from "./FacetSidebar.jsx";
import { ResultList } from "./ResultList.jsx";
import { SaveSearchForm } from "./SaveSearchForm.jsx";
import { SearchBox } from "./SearchBox.jsx";
import { rememberSearch } from "./recentSearches.js";
import {
  PAGE_SIZE,
  SORT_OPTIONS,
  clearAllFilters,
  clearFacet,
  countSelected,
  parseSearchState,
  searchUrl,
  searchVariables,
  toggleFacetValue,
} from "./searchState.js";

/**
 * Starts the search of the current URL before the first render when the page
 * is the search page. useQuery subscribes only after React has rendered and
 * committed the page, so its own request would wait for that. Instead it
 * shares the request in flight (Apollo deduplicates identical operations) or
 * reads the result from the cache.
 */
export function prefetchSearch(client) {
  if (window.location.pathname !== "/") return;
  const variables = searchVariables(parseSearchState(new URLSearchParams(window.location.search)));
  // Errors reach the page through its own useQuery.
  client.query({ query: SEARCH_ISSUES, variables }).catch(() => undefined);
}

/**
 * Returns the query variables. `first` is read from the URL only when the
 * search itself changes, because "load more" appends a page with a cursor
 * and must not refetch the pages already shown.
 */
function useSearchVariables(state) {
  const { first, ...search } = searchVariables(state);
  const key = JSON.stringify(search);
  const firstByKey = useRef({ key: null, first });
  if (firstByKey.current.key !== key) firstByKey.current = { key, first };
  return useMemo(() => ({ ...search, first: firstByKey.current.first }), [key]); // eslint-disable-line react-hooks/exhaustive-deps
}

function SortSelect({ value, onChange }) {
  return (
    <label className="sort-select">
      Sort by{" "}
      <select value={value} onChange={(event) => onChange(event.target.value)}>
        {SORT_OPTIONS.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function ResultCount({ loading, failed, result, state }) {
  let text = "Searching…";
  if (failed && !loading) {
    text = "No results";
  } else if (!loading && result) {
    text = `${plural(result.totalCount, "issue")} found`;
    if (state.q) text += ` for “${state.q}”`;
  }
  return (
    <p className="result-count" aria-live="polite" aria-atomic="true">
      {text}
    </p>
  );
}

function NoResults({ state, onClearAll }) {
  const filtered = countSelected(state) > 0;
  return (
    <EmptyState
      title="No issues match this search"
      actions={
        filtered && (
          <button type="button" className="button" onClick={onClearAll}>
            Clear all filters
          </button>
        )
      }
    >
      <p>
        {filtered
          ? "Try removing a filter: each one narrows the results."
          : "Try fewer or shorter words, or another spelling. New issues arrive with every refresh."}
      </p>
    </EmptyState>
  );
}

/** The search page: search box, filters, sort and results, all kept in the URL. */
export function SearchPage() {
  const { params } = useLocation();
  const state = parseSearchState(params);
  const variables = useSearchVariables(state);
  const { data, previousData, error, loading, networkStatus, fetchMore, refetch } = useQuery(SEARCH_ISSUES, {
    variables,
    notifyOnNetworkStatusChange: true,
  });
  const loadingMore = networkStatus === NetworkStatus.fetchMore;
  const searching = loading && !loadingMore;
  // While a new search loads, the previous results stay (dimmed) so the page does not jump.
  const result = (data ?? previousData)?.search;

  function go(nextState, { replace = false } = {}) {
    navigate(searchUrl(nextState), { replace });
  }

  function search(text) {
    rememberSearch(text);
    go({ ...state, q: text, pages: 1 });
  }

  async function loadMore() {
    await fetchMore({ variables: { after: result.pageInfo.endCursor, first: PAGE_SIZE } });
    go({ ...state, pages: state.pages + 1 }, { replace: true });
  }

  return (
    <div className="search-page">
      <h1 className="visually-hidden">Search beginner-friendly issues</h1>
      <SearchBox
        key={state.q}
        initialText={state.q}
        facets={result?.facets}
        onSearch={search}
        onPickFacet={(param, value) => go(toggleFacetValue(state, param, value))}
      />
      <div className="search-page__body">
        <FacetSidebar
          state={state}
          facets={result?.facets}
          loading={searching}
          onToggle={(param, value) => go(toggleFacetValue(state, param, value))}
          onClear={(param) => go(clearFacet(state, param))}
          onClearAll={() => go(clearAllFilters(state))}
          onFreshness={(freshness) => go({ ...state, freshness, pages: 1 })}
        />
        <section className="search-page__results" aria-label="Search results">
          <div className="results-toolbar">
            <ResultCount loading={searching} failed={Boolean(error)} result={result} state={state} />
            <SortSelect value={state.sort} onChange={(sort) => go({ ...state, sort, pages: 1 })} />
          </div>
          <SaveSearchForm key={searchUrl({ ...state, pages: 1 })} state={state} />
          {error && !searching ? (
            <ErrorState title="The search failed" error={error} onRetry={() => refetch()} />
          ) : result && result.hits.length === 0 && !searching ? (
            <NoResults state={state} onClearAll={() => go(clearAllFilters(state))} />
          ) : (
            <div className={searching && result ? "is-refreshing" : undefined}>
              <ResultList hits={searching && !result ? null : result?.hits} loading={searching} loadingMore={loadingMore} />
            </div>
          )}
          {result?.pageInfo.hasNextPage && !error && (
            <div className="load-more">
              <button type="button" className="button" onClick={loadMore} disabled={loading}>
                {loadingMore ? "Loading…" : "Load more issues"}
              </button>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}
