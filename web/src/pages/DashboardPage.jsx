import React from "react";
import { useQuery } from "@apollo/client";

import { BarChart } from "../components/BarChart.jsx";
import { FeatureGate } from "../components/FeatureGate.jsx";
import { ErrorState } from "../components/StateMessage.jsx";
import { DASHBOARD } from "../graphql/tracking.js";
import { STATUSES, normaliseStatus } from "../tracking/statuses.js";

function StatusTotals({ counts }) {
  const byStatus = new Map(counts.map((entry) => [normaliseStatus(entry.status), entry.count]));
  return (
    <ul className="stat-tiles" aria-label="Issues by status">
      {STATUSES.map((status) => (
        <li key={status.value} className="stat-tile" data-status={status.value}>
          <span className="stat-tile__value">{byStatus.get(status.value) ?? 0}</span>
          <span className="stat-tile__label">{status.label}</span>
        </li>
      ))}
    </ul>
  );
}

function Dashboard() {
  const { data, loading, error, refetch } = useQuery(DASHBOARD, { fetchPolicy: "cache-and-network" });
  if (loading && !data) return <div className="skeleton dashboard-skeleton" aria-label="Loading your dashboard" />;
  if (error) return <ErrorState title="Your dashboard could not be loaded" error={error} onRetry={() => refetch()} />;
  const dashboard = data.dashboard;
  return (
    <>
      <StatusTotals counts={dashboard.counts} />
      <p>
        Current streak: <strong>{dashboard.currentStreakDays}</strong> {dashboard.currentStreakDays === 1 ? "day" : "days"}
      </p>
      <div className="chart-grid">
        <BarChart
          title="Completed issues per month"
          rows={dashboard.completionsPerMonth.map((entry) => ({ label: entry.month, count: entry.count }))}
          emptyText="Complete an issue to start this chart."
        />
        <BarChart
          title="Languages you worked in"
          rows={dashboard.languages.map((entry) => ({ label: entry.name, count: entry.count }))}
          emptyText="Move an issue to “In progress” to start this chart."
        />
      </div>
    </>
  );
}

/** The caller's progress: totals per status and charts. */
export function DashboardPage() {
  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
      <FeatureGate operation="dashboard" title="The dashboard" signedInOnly>
        <Dashboard />
      </FeatureGate>
    </section>
  );
}
