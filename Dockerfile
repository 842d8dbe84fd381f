# syntax=docker/dockerfile:1
# Multi-stage image: Node builds the web app (frontend/dist), uv builds the locked environment,
# the runtime stage runs as non-root and serves both.
FROM node:24-bookworm-slim AS web
WORKDIR /web
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
RUN npx vite build --logLevel warn

FROM python:3.11-slim-bookworm AS build
COPY --from=ghcr.io/astral-sh/uv:0.13 /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY api ./api
COPY domain ./domain
COPY infrastructure ./infrastructure
COPY workers ./workers
COPY migrations ./migrations
COPY alembic.ini ./
RUN uv sync --frozen --no-dev
COPY --from=web /web/dist ./frontend/dist

FROM python:3.11-slim-bookworm AS runtime
RUN useradd --system --uid 10001 --home /app staketrack
WORKDIR /app
COPY --from=build --chown=staketrack:staketrack /app /app
ENV PATH="/app/.venv/bin:$PATH" HOST=0.0.0.0 PORT=8000 DATA_DIR=/app/data PYTHONUNBUFFERED=1 \
    WEB_DIST=/app/frontend/dist
RUN mkdir -p /app/data && chown staketrack:staketrack /app/data
USER staketrack
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"8000\")}/api/health', timeout=2)"
CMD ["sh", "-c", "staketrack migrate && exec staketrack serve"]
