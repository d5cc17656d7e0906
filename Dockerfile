FROM python:3.11.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY core core
COPY indexer indexer
COPY search_api search_api
COPY accounts accounts
COPY tracking tracking
COPY alerts alerts
COPY webhooks webhooks
COPY graphql_api graphql_api
COPY cli cli
COPY fakes fakes
COPY localstack localstack
COPY mappings mappings
COPY migrations migrations
RUN pip install --no-cache-dir -e .
USER nobody
