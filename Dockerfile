# syntax=docker/dockerfile:1
#
# Kuager's container image. Two stages: `build` turns the source into wheels (Kuager and every
# dependency), `runtime` installs those wheels and nothing else, so no compiler, no source tree
# and no pip cache ship in the image.
#
# No secret is baked in. The bot token, the draft key, the reviewers' public keys and the
# database URL come at run time from KUAGER_* variables (compose.yaml reads them from .env)
# or from a config file mounted read-only and named by KUAGER_CONFIG, e.g.
#
#   docker run --rm -v kuager-data:/data --env-file .env kuager            # SQLite in /data
#   docker run --rm -v kuager-data:/data kuager verify                     # any subcommand
#
# Reviewers' private keys never belong in this image or on this server.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src
# Copy only what the wheel is built from: a config.toml, a database or a reviewer key left in
# the working tree must not reach even the build stage's layers (.dockerignore is the second
# line of defence, not the only one). Kuager alone, without the `demo` extra: the Bot API
# stand-in (standin/) is for the offline demo and the tests, not for production.
COPY pyproject.toml README.md babel.cfg ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY locales ./locales
# Compile the catalogs here, so the image never carries .mo files older than their .po.
RUN pip install "babel>=2.14" \
    && pybabel compile --directory locales --domain messages --statistics \
    && pip wheel --wheel-dir /wheels .

FROM python:3.11-slim AS runtime
LABEL org.opencontainers.image.title="kuager" \
      org.opencontainers.image.description="Secure case-intake Telegram bot: reports sealed to reviewers' keys" \
      org.opencontainers.image.licenses="AGPL-3.0-or-later"

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/kuager/bin:$PATH

# The wheels are bind-mounted from the build stage, not copied: they leave no layer behind.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    python -m venv /opt/kuager \
    && /opt/kuager/bin/pip install --no-index --find-links /wheels kuager

# A fixed, unprivileged uid, so volume ownership and Kubernetes' runAsNonRoot can rely on it.
RUN groupadd --system --gid 10001 kuager \
    && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home \
       --shell /usr/sbin/nologin kuager \
    && mkdir -p /data /app \
    && chown 10001:10001 /data \
    && chmod 0700 /data

# SQLite by default; compose.yaml points this at PostgreSQL instead.
ENV KUAGER_STORAGE_DATABASE_URL=/data/kuager.db
VOLUME ["/data"]

# Deliberately not /data: `kuager` reads ./config.toml when KUAGER_CONFIG is unset, and a
# config (token, draft key) must never sit in the volume that gets backed up with the database.
WORKDIR /app

USER 10001:10001

# No HEALTHCHECK: with long polling the bot listens on no port, and "the process is alive" is
# what the container runtime already knows. Restart policy belongs to compose / the orchestrator.
ENTRYPOINT ["kuager"]
CMD ["run"]
