"""The test servers as Docker containers, for machines with a Docker engine.

`ODYSSEY_TEST_STACK=testcontainers` makes the test fixtures start PostgreSQL,
Redis and Elasticsearch with testcontainers instead of using the native local
stack; the default, `native`, is what CI runs. The images match
docker-compose.yml. Containers are removed when the test process exits.

NOTE: this path needs a Docker engine and has not run on the machines where
the suite was written, which have none.
"""

import atexit
import logging

logger = logging.getLogger(__name__)

POSTGRES_IMAGE = "postgres:15"
REDIS_IMAGE = "redis:7"
ELASTICSEARCH_IMAGE = "docker.elastic.co/elasticsearch/elasticsearch:8.19.8"


class ContainersUnavailable(RuntimeError):
    """The testcontainers package is missing or no Docker engine is reachable."""


def start_containers(database: str) -> dict[str, str]:
    """Start the three servers and return DATABASE_URL, REDIS_URL and
    ELASTICSEARCH_URL for them."""
    try:
        from testcontainers.community.elasticsearch import ElasticSearchContainer
        from testcontainers.community.postgres import PostgresContainer
        from testcontainers.community.redis import RedisContainer
    except ImportError as error:
        raise ContainersUnavailable(
            "ODYSSEY_TEST_STACK=testcontainers needs the testcontainers package: "
            "pip install -e '.[dev]'"
        ) from error
    started = []
    try:
        postgres = PostgresContainer(
            POSTGRES_IMAGE,
            username="odyssey",
            password="odyssey",
            dbname=database,
            driver="psycopg",
        )
        redis = RedisContainer(REDIS_IMAGE)
        elasticsearch = ElasticSearchContainer(ELASTICSEARCH_IMAGE, mem_limit="2g").with_env(
            "ES_JAVA_OPTS", "-Xms1g -Xmx1g"
        )
        for container in (postgres, redis, elasticsearch):
            container.start()
            started.append(container)
    except Exception as error:
        logger.error("starting the test containers failed: %s", error)
        for container in started:
            container.stop()
        raise ContainersUnavailable(
            f"starting the test containers failed ({type(error).__name__}: {error}); "
            "is a Docker engine running? Unset ODYSSEY_TEST_STACK to use the native stack"
        ) from error
    for container in started:
        atexit.register(container.stop)
    redis_host = redis.get_container_host_ip()
    return {
        "DATABASE_URL": postgres.get_connection_url(),
        "REDIS_URL": f"redis://{redis_host}:{redis.get_exposed_port(6379)}/1",
        "ELASTICSEARCH_URL": elasticsearch.get_url(),
    }
