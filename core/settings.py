"""Typed settings read from environment variables.

Every other module reads configuration through `get_settings()`, so all modules of
a process use the same values.
"""

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class GitLabInstance(BaseModel):
    """One GitLab server to fetch from: gitlab.com or a self-hosted instance."""

    # Short stable name; it prefixes the ids of this instance's issues and
    # projects, so changing it makes every issue look new.
    name: str = ""
    url: str = "https://gitlab.com"
    token: str | None = Field(default=None, repr=False)
    # Search every project of the instance by label (`GET /issues?scope=all`,
    # which GitLab answers only with a token); tracked projects are fetched
    # either way.
    global_search: bool = True

    @model_validator(mode="after")
    def derive_name(self) -> "GitLabInstance":
        self.url = self.url.rstrip("/")
        if not self.name:
            self.name = urlsplit(self.url).netloc or self.url
        return self


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    # Local stack. Ports avoid the services' defaults so a system-wide
    # PostgreSQL, Redis or Elasticsearch on the same machine does not clash.
    stack_dir: Path = Field(default=PROJECT_ROOT / ".stack", alias="ODYSSEY_STACK_DIR")
    postgres_port: int = Field(default=55432, alias="ODYSSEY_POSTGRES_PORT")
    redis_port: int = Field(default=56379, alias="ODYSSEY_REDIS_PORT")
    elasticsearch_port: int = Field(default=59200, alias="ODYSSEY_ELASTICSEARCH_PORT")
    fake_github_port: int = Field(default=58080, alias="ODYSSEY_FAKE_GITHUB_PORT")
    elasticsearch_version: str = Field(default="8.19.8", alias="ODYSSEY_ELASTICSEARCH_VERSION")
    elasticsearch_heap_mb: int = Field(default=1024, alias="ODYSSEY_ELASTICSEARCH_HEAP_MB")
    elasticsearch_transport_port: int = Field(
        default=59300, alias="ODYSSEY_ELASTICSEARCH_TRANSPORT_PORT"
    )
    # Base URL of the Maven repository that serves the Elasticsearch zip.
    maven_repository_url: str = Field(
        default="https://repo1.maven.org/maven2", alias="ODYSSEY_MAVEN_REPOSITORY_URL"
    )
    # Seconds `localstack up` waits for all services to report healthy, and
    # seconds `localstack down` waits for each service process to exit.
    stack_start_timeout: float = Field(
        default=180.0, gt=0, alias="ODYSSEY_STACK_START_TIMEOUT"
    )
    stack_stop_timeout: float = Field(
        default=60.0, gt=0, alias="ODYSSEY_STACK_STOP_TIMEOUT"
    )
    # GitHub's public GraphQL schema, installed by `localstack up` from npm.
    github_schema_path: Path = Field(
        default_factory=lambda data: data["stack_dir"]
        / "npm/node_modules/@octokit/graphql-schema/schema.graphql",
        alias="ODYSSEY_GITHUB_SCHEMA",
    )

    # Empty means the local stack's server on its configured port.
    database_url: str = Field(default="", alias="DATABASE_URL")
    redis_url: str = Field(default="", alias="REDIS_URL")
    elasticsearch_url: str = Field(default="", alias="ELASTICSEARCH_URL")
    # Every index and alias name starts with this prefix, so tests can run
    # beside the demo on one node.
    index_prefix: str = Field(default="odyssey", alias="ODYSSEY_INDEX_PREFIX")

    github_api_url: str = Field(default="https://api.github.com/graphql", alias="GITHUB_API_URL")
    github_token: str | None = Field(default=None, alias="GITHUB_TOKEN")
    # Requests per search page; GitHub caps a connection at 100 nodes.
    github_page_size: int = Field(default=50, ge=1, le=100, alias="GITHUB_PAGE_SIZE")
    # Stop fetching while fewer points than this remain in the hourly budget.
    github_rate_limit_reserve: int = Field(default=50, ge=0, alias="GITHUB_RATE_LIMIT_RESERVE")
    # Maximum wait, in seconds, for a rate-limit reset before a fetch gives up.
    github_max_rate_limit_wait: float = Field(default=900.0, alias="GITHUB_MAX_RATE_LIMIT_WAIT")
    github_max_retries: int = Field(default=5, ge=0, alias="GITHUB_MAX_RETRIES")
    github_timeout: float = Field(default=30.0, alias="GITHUB_TIMEOUT")
    # Earliest creation date searched; windows are split from here to today.
    github_search_since: str = Field(default="2008-01-01", alias="GITHUB_SEARCH_SINCE")

    # Secret that signs JWTs (HS256). It has no default: set it to a random
    # value of at least 32 characters; endpoints that need a user fail with 503
    # while it is missing.
    jwt_secret: str | None = Field(default=None, alias="ODYSSEY_JWT_SECRET")
    access_token_minutes: int = Field(default=15, ge=1, alias="ODYSSEY_ACCESS_TOKEN_MINUTES")
    # A signed-in session lasts this many days from sign-in; refreshing rotates
    # the refresh token but does not extend the session.
    refresh_token_days: int = Field(default=30, ge=1, alias="ODYSSEY_REFRESH_TOKEN_DAYS")
    # Failed logins allowed per account and per client address within the window
    # (seconds); more get 429 until the window ends.
    login_max_failures_per_account: int = Field(
        default=5, ge=1, alias="ODYSSEY_LOGIN_MAX_FAILURES_PER_ACCOUNT"
    )
    login_max_failures_per_address: int = Field(
        default=20, ge=1, alias="ODYSSEY_LOGIN_MAX_FAILURES_PER_ADDRESS"
    )
    login_failure_window: int = Field(default=900, ge=1, alias="ODYSSEY_LOGIN_FAILURE_WINDOW")
    # Fernet keys (comma-separated, newest first) that encrypt stored GitHub
    # tokens; generate one with `python -c "from cryptography.fernet import
    # Fernet; print(Fernet.generate_key().decode())"`. GitHub sign-in returns 503
    # while it is missing.
    token_encryption_keys: str | None = Field(
        default=None, alias="ODYSSEY_TOKEN_ENCRYPTION_KEYS"
    )
    # The GitHub OAuth app. GitHub sign-in returns 503 while the id or secret
    # is missing. The redirect URI must equal the app's registered callback URL.
    github_oauth_client_id: str | None = Field(default=None, alias="GITHUB_OAUTH_CLIENT_ID")
    github_oauth_client_secret: str | None = Field(
        default=None, alias="GITHUB_OAUTH_CLIENT_SECRET"
    )
    github_oauth_redirect_uri: str = Field(
        default="http://127.0.0.1:8000/v1/auth/github/callback",
        alias="GITHUB_OAUTH_REDIRECT_URI",
    )
    github_oauth_authorize_url: str = Field(
        default="https://github.com/login/oauth/authorize", alias="GITHUB_OAUTH_AUTHORIZE_URL"
    )
    github_oauth_token_url: str = Field(
        default="https://github.com/login/oauth/access_token", alias="GITHUB_OAUTH_TOKEN_URL"
    )
    # REST API base for GET /user and GET /user/emails.
    github_oauth_api_url: str = Field(
        default="https://api.github.com", alias="GITHUB_OAUTH_API_URL"
    )

    # JSON list of {"name", "url", "token", "global_search"} objects.
    gitlab_instances: list[GitLabInstance] = Field(
        default_factory=lambda: [GitLabInstance()], alias="GITLAB_INSTANCES"
    )
    # Issues per page; GitLab caps per_page at 100.
    gitlab_page_size: int = Field(default=100, ge=1, le=100, alias="GITLAB_PAGE_SIZE")
    # Stop calling an instance while fewer requests than this remain in its
    # RateLimit window, until the window resets.
    gitlab_rate_limit_reserve: int = Field(default=5, ge=0, alias="GITLAB_RATE_LIMIT_RESERVE")
    # Maximum wait, in seconds, for a rate-limit reset before a fetch gives up.
    gitlab_max_rate_limit_wait: float = Field(default=900.0, alias="GITLAB_MAX_RATE_LIMIT_WAIT")
    gitlab_max_retries: int = Field(default=5, ge=0, alias="GITLAB_MAX_RETRIES")
    gitlab_timeout: float = Field(default=30.0, alias="GITLAB_TIMEOUT")

    # Admin token for POST /v1/refresh. None disables the endpoint.
    admin_token: str | None = Field(default=None, alias="ODYSSEY_ADMIN_TOKEN")

    demo_data_path: Path = Field(
        default=PROJECT_ROOT.parent / "shared" / "data" / "github_issues.jsonl",
        alias="ODYSSEY_DEMO_DATA",
    )

    search_cache_ttl: int = Field(default=60, ge=0, alias="SEARCH_CACHE_TTL")
    search_max_page_size: int = Field(default=100, ge=1, alias="SEARCH_MAX_PAGE_SIZE")
    # Seconds GET /v1/analytics serves figures from Redis before recomputing.
    analytics_cache_ttl: int = Field(default=300, ge=0, alias="ANALYTICS_CACHE_TTL")
    api_host: str = Field(default="127.0.0.1", alias="ODYSSEY_API_HOST")
    api_port: int = Field(default=8000, alias="ODYSSEY_API_PORT")
    # The built web UI (`npm run build` in web/), served by the API at `/`.
    web_dist_dir: Path = Field(default=PROJECT_ROOT / "web" / "dist", alias="ODYSSEY_WEB_DIST")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")

    # Incremental sync and the scheduler. Seconds between two scheduled
    # refreshes of each source, as a JSON object such as {"github": 900}.
    refresh_intervals: dict[str, float] = Field(
        default_factory=lambda: {"github": 900.0}, alias="ODYSSEY_REFRESH_INTERVALS"
    )
    # Seconds between two full refreshes (reconciliation sweeps) of a source;
    # the scheduled refreshes in between are incremental.
    sweep_interval: float = Field(default=86_400.0, gt=0, alias="ODYSSEY_SWEEP_INTERVAL")
    # Seconds subtracted from a watermark before it is searched with
    # `updated:>=`, for clock skew and for GitHub's search index lag.
    sync_safety_margin: float = Field(default=600.0, ge=0, alias="ODYSSEY_SYNC_SAFETY_MARGIN")
    # Open issues re-checked by id in each incremental refresh, oldest check
    # first; GitHub's `nodes(ids:)` takes at most 100 ids per query.
    sync_recheck_batch: int = Field(default=100, ge=0, le=1000, alias="ODYSSEY_SYNC_RECHECK_BATCH")
    # Seconds between two checks of the scheduler loop.
    scheduler_tick: float = Field(default=5.0, gt=0, alias="ODYSSEY_SCHEDULER_TICK")
    # Age in seconds after which GET /v1/sources reports a source as stale.
    source_stale_after: float = Field(default=3600.0, gt=0, alias="ODYSSEY_SOURCE_STALE_AFTER")

    # Webhook secrets; None rejects every delivery of that provider.
    github_webhook_secret: str | None = Field(
        default=None, repr=False, alias="GITHUB_WEBHOOK_SECRET"
    )
    gitlab_webhook_token: str | None = Field(
        default=None, repr=False, alias="GITLAB_WEBHOOK_TOKEN"
    )
    # Seconds a webhook delivery id is remembered for de-duplication.
    webhook_dedupe_ttl: int = Field(default=7 * 86_400, ge=60, alias="ODYSSEY_WEBHOOK_DEDUPE_TTL")
    # `text` (the default) or `json`: one JSON object per line with request and
    # job ids, for log collectors.
    log_format: str = Field(default="text", pattern="^(text|json)$", alias="LOG_FORMAT")

    # Requests per minute and client; 0 turns the limit off. Anonymous callers
    # are counted by address, signed-in callers by user id.
    rate_limit_anonymous_per_minute: int = Field(
        default=120, ge=0, alias="RATE_LIMIT_ANONYMOUS_PER_MINUTE"
    )
    rate_limit_user_per_minute: int = Field(
        default=600, ge=0, alias="RATE_LIMIT_USER_PER_MINUTE"
    )
    # Comma-separated addresses or CIDR networks of reverse proxies (the nginx
    # gateway) whose X-Real-IP header names the client; from any other peer
    # the header is ignored.
    trusted_proxies: str = Field(default="127.0.0.1,::1", alias="TRUSTED_PROXIES")
    # Comma-separated origins allowed by CORS, e.g. https://odyssey.example.org;
    # empty sends no CORS headers.
    cors_allowed_origins: str = Field(default="", alias="CORS_ALLOWED_ORIGINS")
    # Largest accepted request body, in bytes; larger bodies get 413.
    max_request_body_bytes: int = Field(
        default=1_048_576, ge=1, alias="MAX_REQUEST_BODY_BYTES"
    )
    # GraphQL at /graphql: schema introspection and the GraphiQL page. Both are
    # on for development; production deployments set them to false.
    graphql_introspection: bool = Field(default=True, alias="GRAPHQL_INTROSPECTION")
    graphql_ide: bool = Field(default=True, alias="GRAPHQL_IDE")
    # Deepest allowed field nesting, and maximum estimated cost of one operation
    # (see graphql_api.limits for how the cost is counted).
    graphql_max_depth: int = Field(default=10, ge=1, alias="GRAPHQL_MAX_DEPTH")
    graphql_max_cost: int = Field(default=20_000, ge=1, alias="GRAPHQL_MAX_COST")

    # Alerts of saved searches. Links in emails (unsubscribe) start with this URL.
    public_base_url: str = Field(default="http://127.0.0.1:8000", alias="ODYSSEY_PUBLIC_URL")
    # SMTP server for alert emails; None sends no email (such deliveries fail).
    smtp_host: str | None = Field(default=None, alias="SMTP_HOST")
    smtp_port: int = Field(default=587, ge=1, le=65535, alias="SMTP_PORT")
    # `starttls` (upgrade a plain connection), `tls` (implicit TLS, usually
    # port 465) or `none` (plain text, only for a relay on the same host).
    smtp_tls_mode: str = Field(
        default="starttls", pattern="^(starttls|tls|none)$", alias="SMTP_TLS_MODE"
    )
    smtp_username: str | None = Field(default=None, alias="SMTP_USERNAME")
    smtp_password: str | None = Field(default=None, repr=False, alias="SMTP_PASSWORD")
    smtp_from_address: str = Field(
        default="OSS Odyssey <alerts@localhost>", alias="SMTP_FROM_ADDRESS"
    )
    smtp_timeout: float = Field(default=30.0, gt=0, alias="SMTP_TIMEOUT")
    # Outgoing webhooks: seconds per request, and whether http:// URLs to
    # 127.0.0.1 or ::1 are accepted (for tests and local receivers only).
    alert_webhook_timeout: float = Field(default=10.0, gt=0, alias="ALERT_WEBHOOK_TIMEOUT")
    alert_webhook_allow_loopback_http: bool = Field(
        default=False, alias="ALERT_WEBHOOK_ALLOW_LOOPBACK_HTTP"
    )
    # Attempts per delivery before it is recorded as failed, and the backoff
    # between attempts in seconds (doubling from the minimum up to the maximum).
    alert_delivery_max_attempts: int = Field(
        default=6, ge=1, le=50, alias="ALERT_DELIVERY_MAX_ATTEMPTS"
    )
    alert_retry_min_backoff: float = Field(
        default=30.0, ge=0, alias="ALERT_RETRY_MIN_BACKOFF"
    )
    alert_retry_max_backoff: float = Field(
        default=3600.0, ge=0, alias="ALERT_RETRY_MAX_BACKOFF"
    )
    # Saved searches per Elasticsearch `_msearch` request when matching a batch.
    alert_match_chunk_size: int = Field(
        default=100, ge=1, le=5000, alias="ALERT_MATCH_CHUNK_SIZE"
    )


    @model_validator(mode="after")
    def default_to_local_stack(self) -> "Settings":
        if not self.database_url:
            self.database_url = (
                f"postgresql+psycopg://odyssey@127.0.0.1:{self.postgres_port}/odyssey"
            )
        if not self.redis_url:
            self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        if not self.elasticsearch_url:
            self.elasticsearch_url = f"http://127.0.0.1:{self.elasticsearch_port}"
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
