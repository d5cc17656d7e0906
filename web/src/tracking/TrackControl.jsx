import React, { useState } from "react";

import { useAuth } from "../auth.jsx";
import { Link } from "../router.jsx";
import { CompleteDialog } from "./CompleteDialog.jsx";
import { NEXT_STATUSES, normaliseStatus, statusLabel } from "./statuses.js";
import { useTracking, useTrackingAvailable } from "./useTracking.js";

/**
 * Bookmark button, then a status picker, for one issue. Choosing "Completed"
 * asks for the pull request link first. `bookmarkId` is the caller's bookmark
 * of the issue, as search hits and issues carry it.
 */
export function TrackControl({ compact = false, ...props }) {
  const { signedIn } = useAuth();
  const available = useTrackingAvailable();
  // Anonymous visitors get no mutation hooks, so result cards stay cheap to render.
  if (!signedIn) {
    return compact ? null : (
      <p className="track-control__hint">
        <Link to="/login">Log in</Link> or <Link to="/signup">sign up</Link> to bookmark this issue and track your progress.
      </p>
    );
  }
  if (!available) {
    return compact ? null : <p className="track-control__hint">Bookmarks are not available on this server yet.</p>;
  }
  return <SignedInTrackControl {...props} />;
}

function SignedInTrackControl({ issueId, bookmarkId, bookmarked, status, title }) {
  const tracking = useTracking(issueId, bookmarkId);
  const [completing, setCompleting] = useState(false);
  const [localError, setLocalError] = useState("");
  const current = normaliseStatus(status);
  const error = tracking.error || localError;

  async function choose(next) {
    setLocalError("");
    tracking.clearError();
    if (next === "completed") {
      setCompleting(true);
      return;
    }
    // Mutation errors show through tracking.error; others, such as a missing bookmark id, here.
    await tracking.changeStatus(next).catch((failure) => !failure.graphQLErrors && setLocalError(failure.message));
  }

  async function complete(prUrl) {
    const result = await tracking.changeStatus("completed", prUrl).catch(() => null);
    if (result) setCompleting(false);
  }

  return (
    <div className="track-control">
      {!bookmarked && !current ? (
        <button
          type="button"
          className="button button--small"
          onClick={() => tracking.addBookmark().catch(() => undefined)}
          disabled={tracking.busy}
          aria-label={`Bookmark “${title}”`}
        >
          ☆ Bookmark
        </button>
      ) : (
        <label className="track-control__status">
          <span className="visually-hidden">Status of “{title}”</span>
          <select
            value={current ?? "to_do"}
            disabled={tracking.busy}
            onChange={(event) => choose(event.target.value)}
          >
            <option value={current ?? "to_do"}>{statusLabel(current ?? "to_do")}</option>
            {(NEXT_STATUSES[current ?? "to_do"] ?? []).map((next) => (
              <option key={next} value={next}>
                {next === "completed" ? "Completed…" : statusLabel(next)}
              </option>
            ))}
          </select>
        </label>
      )}
      {error && !completing && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
      {completing && (
        <CompleteDialog
          issueTitle={title}
          busy={tracking.busy}
          error={tracking.error}
          onConfirm={complete}
          onCancel={() => {
            tracking.clearError();
            setCompleting(false);
          }}
        />
      )}
    </div>
  );
}
