"""Translate SearchParams into an Elasticsearch request body.

Facet filters go into `post_filter`, and each facet's aggregation applies every
facet filter except its own. So values inside one facet combine with OR, facets
combine with AND, and a facet's counts show what selecting another of its
values would add.
"""

from typing import Any

from search_api.params import (
    FACET_FIELDS,
    FRESHNESS_RANGES,
    NO_LANGUAGE,
    Freshness,
    Personalization,
    SearchParams,
    SortOrder,
)

FACET_SIZE = 50
FACET_NAMES = (*FACET_FIELDS, "freshness")
# Names of the filter buckets in facet_aggregations. They start with an
# underscore, which no name in FACET_NAMES does (a test checks this).
UNSELECTED_GROUP = "_unselected"
FILTERED_PREFIX = "_without_"
TEXT_FIELDS = ["title^3", "title.standard^2", "repo_name^2", "body", "repo_description^0.5"]
SORTS: dict[SortOrder, list[dict[str, Any]]] = {
    SortOrder.relevance: [{"_score": "desc"}, {"created_at": "desc"}, {"doc_id": "asc"}],
    SortOrder.newest: [{"created_at": "desc"}, {"doc_id": "asc"}],
    SortOrder.updated: [{"updated_at": "desc"}, {"doc_id": "asc"}],
    SortOrder.stars: [{"stars": "desc"}, {"created_at": "desc"}, {"doc_id": "asc"}],
}
HIGHLIGHT = {
    "fields": {"body": {"fragment_size": 160, "number_of_fragments": 1}},
    "pre_tags": ["<mark>"],
    "post_tags": ["</mark>"],
    "encoder": "html",
}
SOURCE_FIELDS = {"excludes": ["body", "title_suggest"]}
# Score added to hits in a preferred language when ranking by preferences.
# Without query text every other hit scores 1, so preferred languages come
# first; with query text the boost is weighed against the match score.
LANGUAGE_BOOST = 3.0


def text_query(q: str) -> dict[str, Any]:
    if not q.strip():
        return {"match_all": {}}
    return {
        "bool": {
            "must": {
                "multi_match": {
                    "query": q,
                    "fields": TEXT_FIELDS,
                    "type": "best_fields",
                    "minimum_should_match": "2<-25%",
                    "fuzziness": "AUTO:4,7",  # no typo allowance for words under 4 letters
                    "prefix_length": 1,
                }
            },
            "should": {"match_phrase": {"title": {"query": q, "boost": 2}}},
        }
    }


def facet_filter(name: str, values: tuple[str, ...]) -> dict[str, Any]:
    field = FACET_FIELDS[name]
    if name == "language" and NO_LANGUAGE in values:
        others = [value for value in values if value != NO_LANGUAGE]
        clauses: list[dict[str, Any]] = [
            {"bool": {"must_not": {"exists": {"field": field}}}}
        ]
        if others:
            clauses.append({"terms": {field: others}})
        return {"bool": {"should": clauses, "minimum_should_match": 1}}
    return {"terms": {field: list(values)}}


def freshness_filter(freshness: Freshness) -> dict[str, Any]:
    return {"range": {"updated_at": {"gte": FRESHNESS_RANGES[freshness]}}}


def base_filters(params: SearchParams) -> list[dict[str, Any]]:
    """Filters that are not facets: they narrow hits and facet counts alike."""
    filters: list[dict[str, Any]] = []
    if not params.include_assigned:
        filters.append({"term": {"assigned": False}})
    if params.created_after:
        filters.append({"range": {"created_at": {"gte": params.created_after.isoformat()}}})
    if params.updated_after:
        filters.append({"range": {"updated_at": {"gte": params.updated_after.isoformat()}}})
    return filters + repository_filters(params)


def repository_filters(params: SearchParams) -> list[dict[str, Any]]:
    """Filters on repository facts: stars, last push, topics and licence."""
    filters: list[dict[str, Any]] = []
    if params.min_stars is not None:
        filters.append({"range": {"stars": {"gte": params.min_stars}}})
    if params.pushed_within:
        start = FRESHNESS_RANGES[params.pushed_within]
        filters.append({"range": {"pushed_at": {"gte": start}}})
    if params.topics:
        filters.append({"terms": {"topics": list(params.topics)}})
    if params.licenses:
        filters.append({"terms": {"license": list(params.licenses)}})
    return filters


def selected_filters(params: SearchParams) -> dict[str, dict[str, Any]]:
    filters = {
        name: facet_filter(name, values) for name, values in params.facets.items() if values
    }
    if params.freshness:
        filters["freshness"] = freshness_filter(params.freshness)
    return filters


def facet_aggregation(name: str) -> dict[str, Any]:
    """Build the aggregation that counts one facet's values."""
    if name == "freshness":
        return {
            "date_range": {
                "field": "updated_at",
                "keyed": True,
                "ranges": [
                    {"key": freshness.value, "from": start}
                    for freshness, start in FRESHNESS_RANGES.items()
                ],
            }
        }
    terms: dict[str, Any] = {"field": FACET_FIELDS[name], "size": FACET_SIZE}
    if name == "language":
        terms["missing"] = NO_LANGUAGE
    return {"terms": terms}


def facet_aggregations(params: SearchParams) -> dict[str, Any]:
    """Count every facet, each under all selected filters but its own.

    Facets that share a set of filters share one `filter` bucket: every facet
    without a selection sits in the bucket of all selected filters, and a
    facet counted under no filter at all sits at the top level. Each filter
    bucket costs a pass over the matching documents.
    """
    selected = selected_filters(params)
    groups: dict[str, tuple[list[dict[str, Any]], dict[str, Any]]] = {}
    for name in FACET_NAMES:
        if name in selected:
            key = FILTERED_PREFIX + name
            filters = [clause for other, clause in selected.items() if other != name]
        else:
            key = UNSELECTED_GROUP
            filters = list(selected.values())
        if not filters:
            key = ""
        groups.setdefault(key, (filters, {}))[1][name] = facet_aggregation(name)
    aggregations: dict[str, Any] = dict(groups.pop("", ([], {}))[1])
    for key, (filters, aggs) in groups.items():
        aggregations[key] = {"filter": {"bool": {"filter": filters}}, "aggs": aggs}
    return aggregations


def facet_results(aggregations: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Map each facet name to its result in a response to facet_aggregations."""
    results: dict[str, dict[str, Any]] = {}
    for key, value in aggregations.items():
        if key in FACET_NAMES:
            results[key] = value
        elif key == UNSELECTED_GROUP or key.startswith(FILTERED_PREFIX):
            results.update({name: value[name] for name in FACET_NAMES if name in value})
    return results


def build_search_body(
    params: SearchParams,
    *,
    search_after: list[Any] | None = None,
    with_facets: bool = True,
    personalization: Personalization | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "query": {"bool": {"must": text_query(params.q), "filter": base_filters(params)}},
        "post_filter": {"bool": {"filter": list(selected_filters(params).values())}},
        "sort": SORTS[params.sort],
        "size": params.size,
        "track_total_hits": True,
        "_source": SOURCE_FIELDS,
        "highlight": HIGHLIGHT,
    }
    if with_facets:
        body["aggs"] = facet_aggregations(params)
    if search_after is not None:
        body["search_after"] = search_after
    if personalization is not None:
        personalize(body["query"]["bool"], personalization)
    return body


def personalize(query: dict[str, Any], personalization: Personalization) -> None:
    """Hide tracked issues and boost preferred languages in a bool query.

    The ids go into the query, not the post filter, so totals, facet counts and
    paging all leave the hidden issues out.
    """
    if personalization.excluded_ids:
        query["must_not"] = [{"ids": {"values": list(personalization.excluded_ids)}}]
    if personalization.boost_languages:
        languages = [language.lower() for language in personalization.boost_languages]
        query["should"] = [
            {"terms": {"language.normalized": languages, "boost": LANGUAGE_BOOST}}
        ]
