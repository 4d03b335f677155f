# syntax=docker/dockerfile:1
# brAInwav Cortex-OS Connectors: one image for asbr and the connectors server (CMD picks the connectors server;
# run asbr with the arguments `node packages/asbr/dist/main.js`). Hardened: pinned base, non-root, tini as PID 1,
# read-only root filesystem (writable data only under /var/lib/cortex and a /tmp tmpfs), no dev dependencies.
#   docker build -t cortex-connectors:0.1.0 .
#   docker run --read-only --tmpfs /tmp -p 7071:7071 --env-file <your env> cortex-connectors:0.1.0
# Pin the base by digest once pulled (docs/operators/deploy.md#image). Statically checked by deploy/tests.

FROM node:20.20.2-bookworm-slim AS build
ENV NX_DAEMON=false CI=true
WORKDIR /src
RUN npm install --global --no-fund --no-audit pnpm@10.34.8
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm nx run-many -t build --outputStyle=stream

# Production dependencies only, from the store the build stage filled; sources, tests and benches removed.
FROM build AS prune
RUN rm -rf node_modules packages/*/node_modules apps/*/node_modules deploy/node_modules \
 && pnpm install --frozen-lockfile --prod --ignore-scripts --offline \
 && find packages apps -mindepth 2 -maxdepth 2 \( -name src -o -name tests -o -name bench -o -name scripts \) -exec rm -rf {} + \
 && rm -rf deploy e2e docs verification schemas scripts .nx

FROM node:20.20.2-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install --yes --no-install-recommends tini=0.19.* \
 && rm -rf /var/lib/apt/lists/*
ENV HOST=0.0.0.0
WORKDIR /app
# the code stays root-owned and read-only for the service user
COPY --from=prune /src /app
COPY deploy/docker/healthcheck.mjs /app/healthcheck.mjs
RUN mkdir -p /var/lib/cortex/workspaces /var/lib/cortex/audit \
 && chown -R 1000:1000 /var/lib/cortex
VOLUME ["/var/lib/cortex/workspaces", "/var/lib/cortex/audit"]
# the node user of the base image
USER 1000:1000
EXPOSE 7070 7071
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 CMD ["node", "/app/healthcheck.mjs"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "packages/connectors/dist/main.js"]
