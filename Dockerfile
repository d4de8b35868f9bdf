# Multi-stage: build a virtual environment with pmo-api installed (its migrations inside the
# package), then copy only that into a slim runtime image that runs as a non-root user.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY migrations ./migrations
RUN python -m venv /opt/pmo && /opt/pmo/bin/pip install .

FROM python:3.11-slim
RUN groupadd --system --gid 10001 pmo \
 && useradd --system --uid 10001 --gid pmo --home-dir /var/lib/pmo --create-home pmo
COPY --from=build /opt/pmo /opt/pmo
ENV PATH=/opt/pmo/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PMO_HOST=0.0.0.0 \
    PMO_PORT=8000 \
    PMO_DATABASE_URL=sqlite+aiosqlite:////var/lib/pmo/pmo.db
WORKDIR /var/lib/pmo
USER pmo
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
  CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PMO_PORT\"]}/healthz', timeout=2)"
# Migrate before serving: `pmo-api migrate` is idempotent and safe to run on every start.
CMD ["sh", "-c", "pmo-api migrate && exec pmo-api serve --workers \"${PMO_WORKERS:-1}\""]
