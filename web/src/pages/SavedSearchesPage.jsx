import React from "react";
import { useQuery } from "@apollo/client";

import { FeatureGate } from "../components/FeatureGate.jsx";
import { EmptyState, ErrorState } from "../components/StateMessage.jsx";
import { SAVED_SEARCHES } from "../graphql/tracking.js";
import { Link } from "../router.jsx";

function SavedSearchList() {
  const { data, loading, error, refetch } = useQuery(SAVED_SEARCHES);
  if (loading && !data) return <div className="skeleton board-skeleton" aria-label="Loading saved searches" />;
  if (error) return <ErrorState title="Saved searches could not be loaded" error={error} onRetry={() => refetch()} />;
  if (data.savedSearches.length === 0) {
    return (
      <EmptyState title="No saved searches yet">
        <p>Save a search to get told when new issues match it.</p>
      </EmptyState>
    );
  }
  return (
    <ul className="project-list">
      {data.savedSearches.map((saved) => (
        <li key={saved.id} className="project-card">
          <h2>
            <Link to={`/?${saved.query}`}>{saved.name}</Link>
          </h2>
          <p>Alerts: {saved.alertFrequency ?? "off"}</p>
        </li>
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
