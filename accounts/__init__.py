"""Accounts: authentication and authorization of API callers."""
