import React from "react";
import { useMutation, useQuery } from "@apollo/client";

import { FeatureGate } from "../components/FeatureGate.jsx";
import { EmptyState, ErrorState, describeError } from "../components/StateMessage.jsx";
import { formatDateTime } from "../components/formatting.js";
import { MARK_ALL_NOTIFICATIONS_READ, MARK_NOTIFICATION_READ, NOTIFICATIONS } from "../graphql/alerts.js";

// The API returns at most 100 notifications per request.
const NOTIFICATIONS_SHOWN = 50;
const REFETCH = ["Notifications", "UnreadNotifications"];

function NotificationItem({ notification }) {
  const [markRead, { loading, error }] = useMutation(MARK_NOTIFICATION_READ, {
    variables: { id: notification.id },
    refetchQueries: REFETCH,
  });
  const unread = notification.readAt === null;
  return (
    <li className="project-card">
      <h2>
        {notification.title}
        {unread && <span className="visually-hidden"> (unread)</span>}
      </h2>
      {notification.body && <p style={{ whiteSpace: "pre-line" }}>{notification.body}</p>}
      <p className="field-help">{formatDateTime(notification.createdAt)}</p>
      {unread && (
        <button
          type="button"
          className="button button--small"
          onClick={() => markRead().catch(() => {})}
          disabled={loading}
          aria-label={`Mark ${notification.title} read`}
        >
          Mark read
        </button>
      )}
      {error && <p className="field-error">{describeError(error)}</p>}
    </li>
  );
}

function NotificationList() {
  const { data, loading, error, refetch } = useQuery(NOTIFICATIONS, {
    variables: { unreadOnly: false, first: NOTIFICATIONS_SHOWN },
  });
  const [markAll, markAllState] = useMutation(MARK_ALL_NOTIFICATIONS_READ, { refetchQueries: REFETCH });
  if (loading && !data) return <div className="skeleton board-skeleton" aria-label="Loading notifications" />;
  if (error) return <ErrorState title="Notifications could not be loaded" error={error} onRetry={() => refetch()} />;
  const { items, unreadCount } = data.notifications;
  if (items.length === 0) {
    return (
      <EmptyState title="No notifications yet">
        <p>Saved searches with in-app alerts post new matching issues here.</p>
      </EmptyState>
    );
  }
  return (
    <>
      <p>
        {unreadCount} unread{" "}
        {unreadCount > 0 && (
          <button
            type="button"
            className="button button--small"
            onClick={() => markAll().catch(() => {})}
            disabled={markAllState.loading}
          >
            Mark all read
          </button>
        )}
      </p>
      {markAllState.error && <p className="field-error">{describeError(markAllState.error)}</p>}
      <ul className="project-list" aria-label="Notifications">
        {items.map((notification) => (
          <NotificationItem key={notification.id} notification={notification} />
        ))}
      </ul>
    </>
  );
}

/** Lists the caller's in-app notifications, newest first, with mark-read actions. */
export function NotificationsPage() {
  return (
    <section aria-labelledby="notifications-title">
      <h1 id="notifications-title">Notifications</h1>
      <FeatureGate operation="notifications" title="Notifications" signedInOnly>
        <NotificationList />
      </FeatureGate>
    </section>
  );
}
