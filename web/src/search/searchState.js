// The search page's whole state lives in the URL query string, with the
// parameter names of `GET /v1/search`, so a search can be shared and the back
// button steps through earlier searches.

export const PAGE_SIZE = 20;
// The API serves at most 100 hits per request (SEARCH_MAX_PAGE_SIZE).
export const MAX_FIRST = 100;

/** Facets of the sidebar, in display order: URL parameter, API facet name, filter field, heading. */
export const FACETS = [
  { param: "label", facet: "label", filter: "labels", title: "Labels" },
  { param: "language", facet: "language", filter: "languages", title: "Language" },
  { param: "difficulty", facet: "difficulty", filter: "difficulties", title: "Difficulty" },
  { param: "kind", facet: "kind", filter: "kinds", title: "Kind of work" },
  { param: "repo", facet: "repo", filter: "repos", title: "Repository" },
  { param: "source", facet: "source", filter: "sources", title: "Source" },
  { param: "event", facet: "event", filter: "events", title: "Events" },
];

export const FRESHNESS_OPTIONS = [
  { value: "", label: "Any time" },
  { value: "day", label: "Updated today" },
  { value: "week", label: "Updated this week" },
  { value: "month", label: "Updated this month" },
  { value: "year", label: "Updated this year" },
];

export const SORT_OPTIONS = [
  { value: "relevance", label: "Best match" },
  { value: "newest", label: "Newest first" },
  { value: "updated", label: "Recently updated" },
];

/** Reads the search state from URL parameters; unknown values fall back to defaults. */
export function parseSearchState(params) {
  const selected = {};
  for (const { param } of FACETS) selected[param] = [...new Set(params.getAll(param).filter(Boolean))];
  const freshness = params.get("freshness") ?? "";
  const sort = params.get("sort") ?? "relevance";
  const pages = Number.parseInt(params.get("pages") ?? "1", 10);
  return {
    q: params.get("q") ?? "",
    selected,
    freshness: FRESHNESS_OPTIONS.some((option) => option.value === freshness) ? freshness : "",
    sort: SORT_OPTIONS.some((option) => option.value === sort) ? sort : "relevance",
    pages: Number.isFinite(pages) && pages > 1 ? Math.min(pages, MAX_FIRST / PAGE_SIZE) : 1,
  };
}

/** Returns the `/?…` URL of a search state; defaults are left out to keep links short. */
export function searchUrl(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const { param } of FACETS) for (const value of state.selected[param] ?? []) params.append(param, value);
  if (state.freshness) params.set("freshness", state.freshness);
  if (state.sort && state.sort !== "relevance") params.set("sort", state.sort);
  if (state.pages > 1) params.set("pages", String(state.pages));
  const query = params.toString();
  return query ? `/?${query}` : "/";
}

/** Returns the variables of the SearchIssues query for a state. */
export function searchVariables(state) {
  const filters = {};
  for (const { param, filter } of FACETS) if (state.selected[param]?.length) filters[filter] = state.selected[param];
  if (state.freshness) filters.freshness = state.freshness.toUpperCase();
  return {
    q: state.q,
    filters,
    sort: state.sort.toUpperCase(),
    // A shared link that showed several pages loads them in one request.
    first: Math.min(PAGE_SIZE * state.pages, MAX_FIRST),
  };
}

export function countSelected(state) {
  const facetCount = FACETS.reduce((total, { param }) => total + (state.selected[param]?.length ?? 0), 0);
  return facetCount + (state.freshness ? 1 : 0);
}

/** Returns a copy of the state with `value` added to or removed from a facet, back on page 1. */
export function toggleFacetValue(state, param, value) {
  const current = state.selected[param] ?? [];
  const next = current.includes(value) ? current.filter((item) => item !== value) : [...current, value];
  return { ...state, selected: { ...state.selected, [param]: next }, pages: 1 };
}

export function clearFacet(state, param) {
  if (param === "freshness") return { ...state, freshness: "", pages: 1 };
  return { ...state, selected: { ...state.selected, [param]: [] }, pages: 1 };
}

export function clearAllFilters(state) {
  const selected = Object.fromEntries(FACETS.map(({ param }) => [param, []]));
  return { ...state, selected, freshness: "", pages: 1 };
}
