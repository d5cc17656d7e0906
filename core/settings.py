"""Typed settings read from environment variables.

Every other module reads configuration through `get_settings()`, so all modules of
a process use the same values.
"""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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

    # Admin token for POST /v1/refresh. None disables the endpoint.
    admin_token: str | None = Field(default=None, alias="ODYSSEY_ADMIN_TOKEN")

    demo_data_path: Path = Field(
        default=PROJECT_ROOT.parent / "shared" / "data" / "github_issues.jsonl",
        alias="ODYSSEY_DEMO_DATA",
    )

    search_cache_ttl: int = Field(default=60, ge=0, alias="SEARCH_CACHE_TTL")
    search_max_page_size: int = Field(default=100, ge=1, alias="SEARCH_MAX_PAGE_SIZE")
    api_host: str = Field(default="127.0.0.1", alias="ODYSSEY_API_HOST")
    api_port: int = Field(default=8000, alias="ODYSSEY_API_PORT")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")


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
