"""A local GitLab REST API v4 server for tests, shaped after the examples in
GitLab's API documentation. Start it in tests with
`fakes.gitlab.server_thread.run_fake_gitlab`."""
