import React from "react";

import { LabelChips } from "../components/LabelChip.jsx";
import { formatAge, formatCount, formatDate } from "../components/formatting.js";
import { Link } from "../router.jsx";
import { TrackControl } from "../tracking/TrackControl.jsx";

function issuePath(id) {
  return `/issues/${encodeURIComponent(id)}`;
}

/** One search hit. Cards have a fixed height, so loading more never moves earlier cards. */
export function ResultCard({ hit }) {
  return (
    <li className="result-card">
      <article aria-labelledby={`hit-${hit.id}`}>
        <div className="result-card__meta">
          <span className="result-card__repo">{hit.repo}</span>
          {hit.language && <span className="result-card__language">{hit.language}</span>}
          <span className="result-card__difficulty">{hit.difficulty}</span>
        </div>
        <h3 className="result-card__title" id={`hit-${hit.id}`}>
          <Link to={issuePath(hit.id)}>{hit.title}</Link>
        </h3>
        <LabelChips labels={hit.labels} />
        <div className="result-card__footer">
          <span>
            Opened <time dateTime={hit.createdAt} title={formatDate(hit.createdAt)}>{formatAge(hit.createdAt)}</time>
          </span>
          <span aria-label={`${hit.commentCount} comments`}>💬 {formatCount(hit.commentCount)}</span>
          <span aria-label={`${hit.stars} stars on the repository`}>★ {formatCount(hit.stars)}</span>
          <TrackControl
            issueId={hit.id}
            bookmarkId={hit.bookmarkId}
            bookmarked={hit.bookmarked}
            status={hit.myStatus}
            title={hit.title}
            compact
          />
        </div>
      </article>
    </li>
  );
}

/** A grey placeholder of a result card, the same height as a real one. */
export function ResultSkeleton() {
  return (
    <li className="result-card result-card--skeleton" aria-hidden="true">
      <div className="skeleton skeleton--line skeleton--short" />
      <div className="skeleton skeleton--line skeleton--title" />
      <div className="skeleton skeleton--line skeleton--chips" />
      <div className="skeleton skeleton--line skeleton--short" />
    </li>
  );
}
