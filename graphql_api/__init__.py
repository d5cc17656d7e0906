"""The GraphQL API at /graphql: one Strawberry schema over the REST services."""
