# syntax=docker/dockerfile:1
# The base image is pinned by tag and digest (the multi-arch index of the tag): a rebuild
# months later starts from the same bytes. To move to a newer Python 3.11 patch release,
# change both, taking the digest from `docker buildx imagetools inspect <tag>`.
FROM python:3.11.9-slim-bookworm@sha256:8fb099199b9f2d70342674bd9dbccd3ed03a258f26bbd1d556822c6dfc60c317 AS build
WORKDIR /src
# Dependencies first, at the exact versions of the lock file: this layer is rebuilt only
# when the lock changes, not when the code does.
COPY requirements.lock ./
RUN pip install --no-cache-dir --prefix=/install -r requirements.lock
# Then the project itself, with no dependency resolution of its own.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY loopback ./loopback
RUN pip install --no-cache-dir --no-deps --prefix=/install .

FROM python:3.11.9-slim-bookworm@sha256:8fb099199b9f2d70342674bd9dbccd3ed03a258f26bbd1d556822c6dfc60c317
# MPLCONFIGDIR: matplotlib's cache, writable even on a read-only root filesystem (/tmp is
# a tmpfs in docker-compose.yml). HEALTH_*: /healthz and /metrics, for the HEALTHCHECK.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATA_DIR=/app/data \
    DATABASE_URL=sqlite+aiosqlite:////var/lib/producer-bot/bot.sqlite3 \
    MPLCONFIGDIR=/tmp/matplotlib \
    HEALTH_HOST=0.0.0.0 \
    HEALTH_PORT=8080
RUN useradd --system --uid 10001 --home-dir /app producer \
    && mkdir -p /var/lib/producer-bot \
    && chown producer /var/lib/producer-bot
COPY --from=build /install /usr/local
WORKDIR /app
COPY data ./data
USER 10001
VOLUME ["/var/lib/producer-bot"]
EXPOSE 8080
# Ready means: gateway connected, database answering, scheduler ticking (see /healthz).
HEALTHCHECK --interval=30s --timeout=10s --start-period=90s --retries=3 \
    CMD ["python", "-m", "bot.ops.probe"]
CMD ["python", "-m", "bot", "run", "--migrate"]
