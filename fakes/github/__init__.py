"""A local GitHub GraphQL server that validates requests against GitHub's schema.

Start it with `python -m fakes.github --data PATH`, or in tests with
`fakes.github.server_thread.run_fake_github`.
"""
