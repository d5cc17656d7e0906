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

export const PROJECT_FIELDS = gql`
  fragment ProjectFields on Project {
    id
    name
    description
    link
    memberCount
    myRole
  }
`;

export const PROJECTS = gql`
  query Projects($q: String!, $mine: Boolean!, $limit: Int!) {
    projects(q: $q, mine: $mine, limit: $limit) {
      total
      items {
        ...ProjectFields
      }
    }
  }
  ${PROJECT_FIELDS}
`;

export const PROJECT = gql`
  query Project($id: Int!) {
    project(id: $id) {
      ...ProjectFields
    }
  }
  ${PROJECT_FIELDS}
`;

export const CREATE_PROJECT = gql`
  mutation CreateProject($input: ProjectCreateInput!) {
    createProject(input: $input) {
      ...ProjectFields
    }
  }
  ${PROJECT_FIELDS}
`;

export const UPDATE_PROJECT = gql`
  mutation UpdateProject($id: Int!, $input: ProjectUpdateInput!) {
    updateProject(id: $id, input: $input) {
      ...ProjectFields
    }
  }
  ${PROJECT_FIELDS}
`;

export const DELETE_PROJECT = gql`
  mutation DeleteProject($id: Int!) {
    deleteProject(id: $id)
  }
`;

export const JOIN_PROJECT = gql`
  mutation JoinProject($id: Int!) {
    joinProject(id: $id) {
      ...ProjectFields
    }
  }
  ${PROJECT_FIELDS}
`;

export const LEAVE_PROJECT = gql`
  mutation LeaveProject($id: Int!) {
    leaveProject(id: $id)
  }
`;

// The caller's own bookmarks in one project, or in the personal list (`personal: true`).
export const PROJECT_BOOKMARKS = gql`
  query ProjectBookmarks($projectId: Int, $personal: Boolean!, $limit: Int!) {
    bookmarks(projectId: $projectId, personal: $personal, limit: $limit) {
      total
      items {
        ...BookmarkFields
        projectId
      }
    }
  }
  ${BOOKMARK_FIELDS}
`;

export const MOVE_BOOKMARK = gql`
  mutation MoveBookmark($id: Int!, $projectId: Int) {
    updateBookmark(id: $id, input: { projectId: $projectId }) {
      ...BookmarkFields
      projectId
    }
  }
  ${BOOKMARK_FIELDS}
`;
