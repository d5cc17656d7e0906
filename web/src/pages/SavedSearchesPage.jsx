import React from "react";
import { useMutation, useQuery } from "@apollo/client";

import { FeatureGate } from "../components/FeatureGate.jsx";
import { EmptyState, ErrorState, describeError } from "../components/StateMessage.jsx";
import { DELETE_SAVED_SEARCH, SAVED_SEARCHES } from "../graphql/alerts.js";
import { Link } from "../router.jsx";

const CHANNEL_LABELS = { in_app: "in-app", email: "email", webhook: "webhook" };

/** Returns the `/?…` search URL of a saved search's stored `GET /v1/search` parameters. */
export function savedSearchUrl(query) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item));
  }
  const text = params.toString();
  return text ? `/?${text}` : "/";
}

function SavedSearchItem({ saved }) {
  const [remove, { loading, error }] = useMutation(DELETE_SAVED_SEARCH, {
    variables: { id: saved.id },
    refetchQueries: ["SavedSearches"],
    awaitRefetchQueries: true,
  });
  const channels = saved.channels.map((channel) => CHANNEL_LABELS[channel] ?? channel).join(", ");
  return (
    <li className="project-card">
      <h2>
        <Link to={savedSearchUrl(saved.query)}>{saved.name}</Link>
      </h2>
      <p>
        Alerts: {saved.frequency}, {channels}
      </p>
      <button
        type="button"
        className="button button--small"
        onClick={() => remove().catch(() => {})}
        disabled={loading}
        aria-label={`Delete saved search ${saved.name}`}
      >
        {loading ? "Deleting…" : "Delete"}
      </button>
      {error && <p className="field-error">{describeError(error)}</p>}
    </li>
  );
}

function SavedSearchList() {
  const { data, loading, error, refetch } = useQuery(SAVED_SEARCHES);
  if (loading && !data) return <div className="skeleton board-skeleton" aria-label="Loading saved searches" />;
  if (error) return <ErrorState title="Saved searches could not be loaded" error={error} onRetry={() => refetch()} />;
  if (data.savedSearches.length === 0) {
    return (
      <EmptyState title="No saved searches yet">
        <p>Save a search from the search page to get told when new issues match it.</p>
      </EmptyState>
    );
  }
  return (
    <ul className="project-list" aria-label="Saved searches">
      {data.savedSearches.map((saved) => (
        <SavedSearchItem key={saved.id} saved={saved} />
      ))}
    </ul>
  );
}

/** Saved searches with their alert settings; shown only when the API offers them. */
export function SavedSearchesPage() {
  return (
    <section aria-labelledby="saved-title">
      <h1 id="saved-title">Saved searches</h1>
      <FeatureGate operation="savedSearches" title="Saved searches" signedInOnly>
        <SavedSearchList />
      </FeatureGate>
    </section>
  );
}
