"""The one factory for the Elasticsearch client."""

from functools import lru_cache

from elasticsearch import Elasticsearch

from core.settings import get_settings


@lru_cache
def get_elasticsearch() -> Elasticsearch:
    settings = get_settings()
    return Elasticsearch(
        settings.elasticsearch_url,
        request_timeout=30,
        retry_on_timeout=True,
        max_retries=3,
    )
