# syntax=docker/dockerfile:1
#
# incident-bot serve in a container.
#
#   docker build -t incident-bot .
#   docker run -d --name incident-bot -p 3000:3000 -v incident-bot-data:/data \
#     -e SLACK_SIGNING_SECRET -e SLACK_BOT_TOKEN incident-bot
#
# The SQLite file lives in the /data volume. Run ONE container per volume: a SQLite file has one
# writing process (`incident-bot.db.lock` beside it says which); a second one is refused.

# ---- build ----------------------------------------------------------------------------------
FROM rust:1-bookworm AS builder
WORKDIR /src

COPY Cargo.toml Cargo.lock ./
COPY commands/ commands/
COPY bot/ bot/
# Compiled into the binary: the SQL migrations (sqlx::migrate!) and the default runbook.
COPY migrations/ migrations/
COPY runbooks/ runbooks/
# Cargo.toml declares [[bench]] targets at their default paths, and Cargo refuses to load a
# manifest whose bench files are missing, even to build only the binary. tests/ is not needed:
# the [[test]] target names its path, which Cargo reads only when it builds tests.
COPY benches/ benches/

# The caches keep downloaded crates and compiled dependencies between builds (BuildKit,
# Podman/Buildah). The binary is copied out of the cached target directory in the same step.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin incident-bot \
 && cp target/release/incident-bot /usr/local/bin/incident-bot
# The release profile keeps line tables (about 75 MB of them); the image keeps only the symbols,
# so a backtrace still names functions: about 20 MB.
RUN strip --strip-debug /usr/local/bin/incident-bot

# ---- run --------------------------------------------------------------------------------------
FROM debian:bookworm-slim

# The bot talks HTTPS to Slack with rustls and the system's root certificates.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --gid 10001 incident-bot \
 && useradd --uid 10001 --gid 10001 --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin incident-bot \
 && mkdir /data \
 && chown 10001:10001 /data

COPY --from=builder /usr/local/bin/incident-bot /usr/local/bin/incident-bot

USER 10001:10001
WORKDIR /data
VOLUME /data

ENV INCIDENT_BOT_ADDR=0.0.0.0:3000 \
    DATABASE_URL=sqlite:///data/incident-bot.db
EXPOSE 3000

# GET /healthz must answer 200. The image has no curl or wget, so bash (in every Debian image)
# speaks HTTP/1.1 over its /dev/tcp, on the port of INCIDENT_BOT_ADDR, and checks the status line.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${INCIDENT_BOT_ADDR##*:} && printf 'GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && read -r -t 4 status <&3 && [[ $status == HTTP/1.?' 200 '* ]]"]

# serve stops gracefully on SIGTERM (docker stop).
ENTRYPOINT ["incident-bot"]
CMD ["serve"]
