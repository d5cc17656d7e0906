"""GraphQL documents sent to GitHub.

Each document must validate against GitHub's published schema; the local fake
GitHub checks every request against it, so a typo here fails the tests.
"""

ISSUE_FIELDS = """
fragment IssueFields on Issue {
  id
  number
  title
  body
  url
  state
  createdAt
  updatedAt
  closedAt
  locked
  comments {
    totalCount
  }
  assignees(first: 1) {
    totalCount
  }
  labels(first: 50) {
    nodes {
      name
      color
      description
    }
  }
  repository {
    id
    name
    nameWithOwner
    url
    description
    isArchived
    stargazerCount
    forkCount
    pushedAt
    createdAt
    updatedAt
    repositoryTopics(first: 20) {
      nodes {
        topic {
          name
        }
      }
    }
    licenseInfo {
      spdxId
      name
    }
    owner {
      login
    }
    primaryLanguage {
      name
    }
  }
}
"""

SEARCH_ISSUES = (
    """
query SearchIssues($query: String!, $first: Int!, $after: String) {
  rateLimit {
    limit
    remaining
    used
    cost
    resetAt
  }
  search(query: $query, type: ISSUE, first: $first, after: $after) {
    issueCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      __typename
      ...IssueFields
    }
  }
}
"""
    + ISSUE_FIELDS
)

# Only the count, used to decide whether a created-date window needs splitting
# before it is paged through.
COUNT_ISSUES = """
query CountIssues($query: String!) {
  rateLimit {
    limit
    remaining
    used
    cost
    resetAt
  }
  search(query: $query, type: ISSUE, first: 1) {
    issueCount
  }
}
"""

ISSUES_BY_ID = (
    """
query IssuesById($ids: [ID!]!) {
  rateLimit {
    limit
    remaining
    used
    cost
    resetAt
  }
  nodes(ids: $ids) {
    __typename
    ...IssueFields
  }
}
"""
    + ISSUE_FIELDS
)
