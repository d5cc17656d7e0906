# The web UI, built with the versions pinned in web/package-lock.json. The
# API serves web/dist at /.
FROM node:22.12.0-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/index.html web/vite.config.js ./
COPY web/public public
COPY web/src src
RUN npm run build

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
COPY --from=web /web/dist web/dist
RUN pip install --no-cache-dir -e .
USER nobody
