"""The local development stack: PostgreSQL, Redis and Elasticsearch on 127.0.0.1,
with all data and logs under `settings.stack_dir`."""
