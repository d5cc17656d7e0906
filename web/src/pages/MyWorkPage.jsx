import React from "react";
import { useQuery } from "@apollo/client";

import { FeatureGate } from "../components/FeatureGate.jsx";
import { EmptyState, ErrorState } from "../components/StateMessage.jsx";
import { MY_BOOKMARKS } from "../graphql/tracking.js";
import { Link } from "../router.jsx";
import { STATUSES, normaliseStatus } from "../tracking/statuses.js";
import { TrackControl } from "../tracking/TrackControl.jsx";

// NOTE: the board shows the 100 most recently changed bookmarks (the API's
// maximum page size); older ones are not listed yet.
const BOARD_LIMIT = 100;

function BoardCard({ bookmark }) {
  const { issue } = bookmark;
  return (
    <li className="board-card">
      <Link to={`/issues/${encodeURIComponent(issue.id)}`}>{issue.title}</Link>
      <span className="board-card__repo">{issue.repo}</span>
      {bookmark.prUrl && (
        <a className="board-card__pr" href={bookmark.prUrl} rel="noreferrer">
          Pull request ↗
        </a>
      )}
      <TrackControl issueId={issue.id} bookmarkId={bookmark.id} bookmarked status={bookmark.status} title={issue.title} compact />
    </li>
  );
}

function BoardColumn({ status, bookmarks }) {
  const headingId = `column-${status.value}`;
  return (
    <section className="board-column" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {status.label} <span className="board-column__count">{bookmarks.length}</span>
      </h2>
      {bookmarks.length === 0 ? (
        <p className="board-column__empty">Nothing here.</p>
      ) : (
        <ul className="board-column__cards">
          {bookmarks.map((bookmark) => (
            <BoardCard key={bookmark.id} bookmark={bookmark} />
          ))}
        </ul>
      )}
    </section>
  );
}

function Board() {
  const { data, loading, error, refetch } = useQuery(MY_BOOKMARKS, { variables: { limit: BOARD_LIMIT }, fetchPolicy: "cache-and-network" });
  if (loading && !data) return <div className="skeleton board-skeleton" aria-label="Loading your work" />;
  if (error) return <ErrorState title="Your work could not be loaded" error={error} onRetry={() => refetch()} />;
  const bookmarks = data.bookmarks.items;
  if (bookmarks.length === 0) {
    return (
      <EmptyState title="You are not tracking any issue yet" actions={<Link className="button button--primary" to="/">Find an issue</Link>}>
        <p>Bookmark an issue from the search results, and it shows up here in “To do”.</p>
      </EmptyState>
    );
  }
  return (
    <div className="board">
      {STATUSES.map((status) => (
        <BoardColumn
          key={status.value}
          status={status}
          bookmarks={bookmarks.filter((bookmark) => normaliseStatus(bookmark.status) === status.value)}
        />
      ))}
    </div>
  );
}

/** "My work": the caller's tracked issues in one column per status. */
export function MyWorkPage() {
  return (
    <section aria-labelledby="my-work-title">
      <h1 id="my-work-title">My work</h1>
      <FeatureGate operation="bookmarks" title="My work" signedInOnly>
        <Board />
      </FeatureGate>
    </section>
  );
}
