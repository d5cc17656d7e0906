"""A local stand-in for GitHub's OAuth web flow and the REST user endpoints.

Start it in tests with `fakes.github_oauth.server_thread.run_fake_github_oauth`.
"""
