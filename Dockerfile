# syntax=docker/dockerfile:1
# Multi-stage: build the H5 app with node, install pinned Python wheels, run as a non-root user.
FROM node:20-bookworm-slim AS h5
WORKDIR /src/h5
COPY h5/package.json h5/package-lock.json* ./
RUN if [ -f package.json ]; then npm ci --no-audit --no-fund; fi
COPY h5/ ./
RUN if [ -f package.json ]; then npm run build; else mkdir -p dist; fi

FROM python:3.11-slim-bookworm AS wheels
WORKDIR /src
COPY requirements.txt .
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt

FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SJT_ENV=production DATA_DIR=/var/lib/sjt
RUN groupadd --system sjt && useradd --system --gid sjt --home /app sjt \
    && mkdir -p /var/lib/sjt && chown sjt:sjt /var/lib/sjt
WORKDIR /app
COPY --from=wheels /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
COPY --chown=sjt:sjt app ./app
COPY --chown=sjt:sjt migrations ./migrations
COPY --chown=sjt:sjt api_docs ./api_docs
COPY --from=h5 --chown=sjt:sjt /src/h5/dist ./h5/dist
USER sjt
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"
CMD ["sh", "-c", "python -m app.cli migrate && exec sanic app.server:main_app --factory --host 0.0.0.0 --port 8000 --workers ${WORKERS:-2} --no-motd"]
