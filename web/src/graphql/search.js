import { gql } from "@apollo/client";

export const ISSUE_HIT_FIELDS = gql`
  fragment IssueHitFields on IssueHit {
    id
    title
    url
    repo
    language
    difficulty
    kinds
    commentCount
    stars
    createdAt
    updatedAt
    snippet
    labels {
      name
      color
      description
    }
    bookmarked
    myStatus
    bookmarkId
  }
`;

export const SEARCH_ISSUES = gql`
  query SearchIssues($q: String!, $filters: SearchFilters, $sort: SearchSort!, $first: Int!, $after: String) {
    search(q: $q, filters: $filters, sort: $sort, first: $first, after: $after) {
      totalCount
      hits {
        ...IssueHitFields
      }
      facets {
        name
        values {
          value
          count
          selected
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
  ${ISSUE_HIT_FIELDS}
`;

export const ISSUE_DETAIL = gql`
  query IssueDetail($id: ID!) {
    issue(id: $id) {
      id
      title
      body
      url
      state
      assigned
      repo
      language
      difficulty
      kinds
      commentCount
      stars
      createdAt
      updatedAt
      closedAt
      labels {
        name
        color
        description
      }
      repository {
        fullName
        description
        url
        stars
      }
      bookmarked
      myStatus
      bookmarkId
    }
  }
`;
