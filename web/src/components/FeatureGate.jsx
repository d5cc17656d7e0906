import React from "react";

import { useAuth } from "../auth.jsx";
import { Link, useLocation } from "../router.jsx";
import { useSchemaFeatures } from "../schemaFeatures.jsx";
import { EmptyState } from "./StateMessage.jsx";

/**
 * Renders its children only when the API offers the query `operation` and,
 * with `signedInOnly`, the caller is signed in; otherwise a notice that says
 * what is missing and what to do.
 */
export function FeatureGate({ operation, title, signedInOnly = false, children }) {
  const features = useSchemaFeatures();
  const { signedIn } = useAuth();
  const { path } = useLocation();
  if (features.loading) return <p className="page-loading">Loading…</p>;
  if (!features.hasQuery(operation)) {
    return (
      <EmptyState title={`${title} is not available yet`}>
        <p>This server's API does not offer {title.toLowerCase()} yet. Update OSS Odyssey to get it.</p>
      </EmptyState>
    );
  }
  if (signedInOnly && !signedIn) {
    return (
      <EmptyState
        title="Log in to see this page"
        actions={
          <>
            <Link className="button button--primary" to={`/login?next=${encodeURIComponent(path)}`}>
              Log in
            </Link>
            <Link className="button" to="/signup">
              Sign up
            </Link>
          </>
        }
      >
        <p>{title} shows your own work, so it needs an account.</p>
      </EmptyState>
    );
  }
  return children;
}
