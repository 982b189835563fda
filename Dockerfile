# syntax=docker/dockerfile:1
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY loopback ./loopback
# The project itself; its dependencies are pinned to compatible ranges in pyproject.toml.
# hadolint ignore=DL3013
RUN pip install --no-cache-dir --prefix=/install ".[postgres]"

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    DATA_DIR=/app/data \
    DATABASE_URL=sqlite+aiosqlite:////var/lib/producer-bot/bot.sqlite3
RUN useradd --system --uid 10001 --home-dir /app producer \
    && mkdir -p /var/lib/producer-bot \
    && chown producer /var/lib/producer-bot
COPY --from=build /install /usr/local
WORKDIR /app
COPY data ./data
USER 10001
VOLUME ["/var/lib/producer-bot"]
CMD ["python", "-m", "bot", "run", "--migrate"]
