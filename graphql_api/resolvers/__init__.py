"""Resolvers: authenticate the caller, call the service REST calls, convert."""
