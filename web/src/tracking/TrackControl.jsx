import React, { useState } from "react";

import { useAuth } from "../auth.jsx";
import { Link } from "../router.jsx";
import { CompleteDialog } from "./CompleteDialog.jsx";
import { NEXT_STATUSES, normaliseStatus, statusLabel } from "./statuses.js";
import { useTracking } from "./useTracking.js";

/**
 * Bookmark button, then a status picker, for one issue. Choosing "Completed"
 * asks for the pull request link first.
 */
export function TrackControl({ issueId, bookmarked, status, title, compact = false }) {
  const { signedIn } = useAuth();
  const tracking = useTracking(issueId);
  const [completing, setCompleting] = useState(false);
  const current = normaliseStatus(status);

  if (!signedIn) {
    return compact ? null : (
      <p className="track-control__hint">
        <Link to="/login">Log in</Link> or <Link to="/signup">sign up</Link> to bookmark this issue and track your progress.
      </p>
    );
  }
  if (!tracking.available) {
    return compact ? null : <p className="track-control__hint">Bookmarks are not available on this server yet.</p>;
  }

  async function choose(next) {
    if (next === "completed") {
      setCompleting(true);
      return;
    }
    await tracking.changeStatus(next).catch(() => undefined);
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
      {tracking.error && !completing && (
        <span className="field-error" role="alert">
          {tracking.error}
        </span>
      )}
      {completing && (
        <CompleteDialog
          issueTitle={title}
          busy={tracking.busy}
          error={tracking.error}
          onConfirm={complete}
          onCancel={() => setCompleting(false)}
        />
      )}
    </div>
  );
}
