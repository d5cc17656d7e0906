import { gql } from "@apollo/client";

export const BOOKMARK_FIELDS = gql`
  fragment BookmarkFields on Bookmark {
    id
    issueId
    status
    prUrl
    issue {
      id
      title
      repo
      url
    }
  }
`;

export const MY_BOOKMARKS = gql`
  query MyBookmarks($limit: Int!) {
    bookmarks(limit: $limit) {
      total
      items {
        ...BookmarkFields
      }
    }
  }
  ${BOOKMARK_FIELDS}
`;

export const BOOKMARK_ISSUE = gql`
  mutation BookmarkIssue($input: BookmarkCreateInput!) {
    createBookmark(input: $input) {
      ...BookmarkFields
    }
  }
  ${BOOKMARK_FIELDS}
`;

export const UPDATE_BOOKMARK = gql`
  mutation UpdateBookmark($id: Int!, $input: BookmarkUpdateInput!) {
    updateBookmark(id: $id, input: $input) {
      ...BookmarkFields
    }
  }
  ${BOOKMARK_FIELDS}
`;

export const DASHBOARD = gql`
  query Dashboard {
    dashboard {
      counts {
        status
        count
      }
      completionsPerMonth {
        month
        count
      }
      languages {
        name
        count
      }
      currentStreakDays
    }
  }
`;

export const ANALYTICS = gql`
  query Analytics {
    analytics {
      issuesIndexed {
        start
        count
      }
      issuesByLanguage {
        value
        count
      }
      issuesByDifficulty {
        value
        count
      }
      completions {
        start
        count
      }
    }
  }
`;

export const PROJECTS = gql`
  query Projects {
    projects {
      total
      items {
        id
        name
        description
        link
        memberCount
      }
    }
  }
`;

export const PROJECT = gql`
  query Project($id: Int!) {
    project(id: $id) {
      id
      name
      description
      link
      memberCount
    }
  }
`;
