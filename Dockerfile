# syntax=docker/dockerfile:1
#
# Kuager's container image. Two stages: `build` turns the source into wheels (Kuager and every
# dependency), `runtime` installs those wheels and nothing else, so no compiler, no source tree
# and no pip cache ship in the image.
#
# Dependencies come from requirements.lock: exact versions, each file checked against the hashes
# recorded there (`--require-hashes`), so a release rebuilt later gets the same dependencies and
# a file swapped on the package index fails the build instead of shipping. README.md says how to
# refresh the lock.
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
# Every dependency as a ready-made wheel checked against the lock; Babel, from those wheels,
# compiles the catalogs below.
COPY requirements.lock ./
RUN pip download --require-hashes --only-binary=:all: --dest /wheels -r requirements.lock \
    && pip install --no-index --find-links /wheels --require-hashes -r requirements.lock \
    && cp requirements.lock /wheels/
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
# Kuager's own wheel alone (--no-deps): its dependencies are the locked wheels above. The build
# backend pip fetches for this step ([build-system] in pyproject.toml) only packs our source
# and does not ship; it is the one download here not checked against the lock.
RUN pybabel compile --directory locales --domain messages --statistics \
    && pip wheel --no-deps --wheel-dir /wheels .

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
# The dependencies are checked against the lock's hashes once more; Kuager itself goes in with
# --no-deps, so nothing outside the lock can be pulled in beside it.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    python -m venv /opt/kuager \
    && /opt/kuager/bin/pip install --no-index --find-links /wheels --require-hashes \
       --only-binary=:all: -r /wheels/requirements.lock \
    && /opt/kuager/bin/pip install --no-index --find-links /wheels --no-deps kuager

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

# The health listener on the container's own loopback: `kuager health` (the HEALTHCHECK)
# asks it from inside, and nothing outside the container reaches it unless the operator
# sets KUAGER_HEALTH_LISTEN to another address and publishes the port.
ENV KUAGER_HEALTH_LISTEN=127.0.0.1:9090
HEALTHCHECK --interval=30s --timeout=10s --start-period=5m --retries=3 \
    CMD ["kuager", "health"]

# `run` is preceded by `kuager check --wait`: a wrong setting stops the container with every
# problem listed before the bot starts, while a database or network still coming up is waited
# for ([start] attempts). `exec` leaves kuager as PID 1, so SIGTERM reaches PTB's clean stop.
# Any other command (`verify`, `db upgrade`, `check`) runs as it is.
ENTRYPOINT ["/bin/sh", "-c", "if [ \"$1\" = run ]; then kuager check --wait || exit; fi; exec kuager \"$@\"", "kuager"]
CMD ["run"]
