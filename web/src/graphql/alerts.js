import { gql } from "@apollo/client";

// Saved searches and in-app notifications, as in graphql_api/schema.graphql.
export const SAVED_SEARCHES = gql`
  query SavedSearches {
    savedSearches {
      id
      name
      query
      frequency
      channels
      createdAt
      lastAlertAt
    }
  }
`;

export const CREATE_SAVED_SEARCH = gql`
  mutation CreateSavedSearch($input: SavedSearchInput!) {
    createSavedSearch(input: $input) {
      id
      name
    }
  }
`;

export const DELETE_SAVED_SEARCH = gql`
  mutation DeleteSavedSearch($id: Int!) {
    deleteSavedSearch(id: $id)
  }
`;

export const UNREAD_NOTIFICATIONS = gql`
  query UnreadNotifications {
    unreadNotificationCount
  }
`;

export const NOTIFICATIONS = gql`
  query Notifications($unreadOnly: Boolean!, $first: Int!) {
    notifications(unreadOnly: $unreadOnly, first: $first) {
      unreadCount
      items {
        id
        title
        body
        savedSearchId
        createdAt
        readAt
      }
    }
  }
`;

export const MARK_NOTIFICATION_READ = gql`
  mutation MarkNotificationRead($id: Int!) {
    markNotificationRead(id: $id) {
      id
      readAt
    }
  }
`;

export const MARK_ALL_NOTIFICATIONS_READ = gql`
  mutation MarkAllNotificationsRead {
    markAllNotificationsRead {
      markedRead
    }
  }
`;
