# backcheck in a container: docker compose up (see compose.yaml and README, "Deploy").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/backcheck/bin:$PATH \
    BACKCHECK_DB=/data/backcheck.db \
    BACKCHECK_METRICS_PORT=9108 \
    BACKCHECK_METRICS_HOST=127.0.0.1

# A system user without a shell or a password; it owns only the data volume.
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin backcheck \
    && mkdir /data && chown backcheck:backcheck /data

WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY flows ./flows
COPY content ./content
# The README's install line, without -e: the flows and content go into the package.
RUN python -m venv /opt/backcheck \
    && /opt/backcheck/bin/pip install --no-cache-dir '.[all]' \
    && rm -rf /src

WORKDIR /data
USER backcheck
VOLUME ["/data"]

# /healthz answers 200 while the storage answers (bot/metrics.py), 503 otherwise.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['BACKCHECK_METRICS_PORT'] + '/healthz', timeout=4)"]

CMD ["backcheck", "run"]
