"""The `odyssey` command line."""
