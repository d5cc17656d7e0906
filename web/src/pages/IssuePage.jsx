import React from "react";
import { useQuery } from "@apollo/client";

import { LabelChips } from "../components/LabelChip.jsx";
import { EmptyState, ErrorState, errorCode } from "../components/StateMessage.jsx";
import { formatAge, formatCount, formatDate } from "../components/formatting.js";
import { ISSUE_DETAIL } from "../graphql/search.js";
import { Link } from "../router.jsx";
import { TrackControl } from "../tracking/TrackControl.jsx";

function IssueFacts({ issue }) {
  return (
    <dl className="issue-facts">
      <dt>Repository</dt>
      <dd>
        <a href={issue.repository?.url ?? `https://github.com/${issue.repo}`} rel="noreferrer">
          {issue.repo}
        </a>
      </dd>
      <dt>Language</dt>
      <dd>{issue.language ?? "none"}</dd>
      <dt>Difficulty</dt>
      <dd>{issue.difficulty}</dd>
      <dt>Opened</dt>
      <dd>
        <time dateTime={issue.createdAt} title={formatDate(issue.createdAt)}>
          {formatAge(issue.createdAt)}
        </time>
      </dd>
      <dt>Comments</dt>
      <dd>{formatCount(issue.commentCount)}</dd>
      <dt>Stars</dt>
      <dd>{formatCount(issue.stars)}</dd>
    </dl>
  );
}

/** One issue with its body, labels and the caller's bookmark. */
export function IssuePage({ id }) {
  const { data, loading, error, refetch } = useQuery(ISSUE_DETAIL, { variables: { id } });
  if (loading && !data) return <div className="skeleton issue-skeleton" aria-label="Loading the issue" />;
  if (errorCode(error) === "NOT_FOUND") {
    return (
      <EmptyState title="This issue was not found" actions={<Link to="/">Back to search</Link>}>
        <p>It may have been removed from its tracker. Search for another one.</p>
      </EmptyState>
    );
  }
  if (error) return <ErrorState title="The issue could not be loaded" error={error} onRetry={() => refetch()} />;
  const issue = data.issue;
  return (
    <article className="issue-page" aria-labelledby="issue-title">
      <p>
        <Link to="/" onClick={(event) => window.history.length > 1 && (event.preventDefault(), window.history.back())}>
          ← Back to results
        </Link>
      </p>
      <h1 id="issue-title">{issue.title}</h1>
      {issue.state !== "open" && <p className="notice">This issue is {issue.state} on its tracker.</p>}
      <LabelChips labels={issue.labels} />
      <div className="issue-page__layout">
        <div className="issue-page__body">
          <pre className="issue-body">{issue.body || "This issue has no description."}</pre>
          <p>
            <a className="button button--primary" href={issue.url} rel="noreferrer">
              Open on the tracker ↗
            </a>
          </p>
        </div>
        <aside className="issue-page__side" aria-label="About this issue">
          <TrackControl
            issueId={issue.id}
            bookmarkId={issue.bookmarkId}
            bookmarked={issue.bookmarked}
            status={issue.myStatus}
            title={issue.title}
          />
          <IssueFacts issue={issue} />
        </aside>
      </div>
    </article>
  );
}
