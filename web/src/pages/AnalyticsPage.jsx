import React from "react";
import { useQuery } from "@apollo/client";

import { BarChart } from "../components/BarChart.jsx";
import { FeatureGate } from "../components/FeatureGate.jsx";
import { ErrorState } from "../components/StateMessage.jsx";
import { ANALYTICS } from "../graphql/tracking.js";

function toRows(entries, labelField) {
  return (entries ?? []).map((entry) => ({ label: String(entry[labelField]), count: entry.count }));
}

function Analytics() {
  const { data, loading, error, refetch } = useQuery(ANALYTICS);
  if (loading && !data) return <div className="skeleton dashboard-skeleton" aria-label="Loading analytics" />;
  if (error) return <ErrorState title="Analytics could not be loaded" error={error} onRetry={() => refetch()} />;
  const analytics = data.analytics;
  return (
    <div className="chart-grid">
      <BarChart title="New beginner-friendly issues" rows={toRows(analytics.issuesIndexed, "start")} />
      <BarChart title="Issues by language" rows={toRows(analytics.issuesByLanguage, "value").slice(0, 12)} />
      <BarChart title="Issues by difficulty" rows={toRows(analytics.issuesByDifficulty, "value")} />
      <BarChart title="Issues completed by contributors" rows={toRows(analytics.completions, "start")} />
    </div>
  );
}

/** Platform-wide figures: new issues, languages, difficulty and completions. */
export function AnalyticsPage() {
  return (
    <section aria-labelledby="analytics-title">
      <h1 id="analytics-title">Analytics</h1>
      <FeatureGate operation="analytics" title="Analytics">
        <Analytics />
      </FeatureGate>
    </section>
  );
}
