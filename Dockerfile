# The platform image: the API (serving the dashboard), the jobs, and Airflow with this repository's
# DAGs (docker-compose.yml and helm/finops use it for every Airflow component and Celery worker).
#   docker build -t finops-platform .

# 1. the dashboard: frontend/dist
FROM node:20-bookworm-slim AS dashboard
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# 2. Python 3.11 with the locked dependencies (uv), the code, the DAGs and the built dashboard
FROM python:3.11-slim-bookworm AS platform
COPY --from=ghcr.io/astral-sh/uv:0.9 /uv /uvx /usr/local/bin/
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends curl libpq5 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 finops \
    && useradd --system --uid 10001 --gid finops --home-dir /home/finops --create-home finops
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY backend/ backend/
COPY dags/ dags/
COPY migrations/ migrations/
COPY monitoring/ monitoring/
RUN uv sync --frozen --no-dev
COPY --from=dashboard /src/frontend/dist frontend/dist
RUN mkdir -p /var/lib/finops /var/log/finops && chown finops:finops /var/lib/finops /var/log/finops
USER finops
ENV FINOPS_HOME=/var/lib/finops FINOPS_API_HOST=0.0.0.0 FINOPS_LOG_JSON=true
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
CMD ["finops", "serve"]
