# syntax=docker/dockerfile:1
# Warren: an AMQP 0-9-1 broker. Build: docker build -t warren .
# Run:   docker run -d --name warren --ulimit nofile=65536:65536 -p 5672:5672 -p 15672:15672 \
#          -p 15692:15692 -v warren-data:/var/lib/warren warren
# Stop:  docker stop -t 40 warren   (clients get 320 CONNECTION_FORCED, the store finishes its
#        writes, exit 0; -t beyond shutdown_timeout, 30 s, or Docker's SIGKILL comes first)
# docker-compose.yml beside this file is a worked example. test/integration/dockerfile.test.ts
# runs these steps without a container engine: keep every RUN a plain shell command.

# --- build: full dependencies, compile TypeScript and the dashboard, then drop dev dependencies ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY management-ui ./management-ui
RUN npm run build
RUN npm prune --omit=dev --no-audit --no-fund

# --- runtime: compiled JS (dist/, the dashboard in dist/ui/) and production dependencies only ---
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    WARREN_CONFIG_FILE=/etc/warren/warren.conf \
    WARREN_DATA_DIR=/var/lib/warren
# Container defaults go in the config file rather than in WARREN_* variables, because variables
# would beat a config file the operator mounts over /etc/warren/warren.conf. The listeners already
# bind every interface by default (:: dual-stack, 0.0.0.0 without IPv6). Like the official rabbitmq
# image (loopback_users.guest = false), guest may log in from the bridge network: mount your own
# file or set WARREN_DEFAULT_USER/WARREN_DEFAULT_PASS for production.
COPY config/warren.conf /etc/warren/warren.conf
RUN printf '%s\n' '' '## Container defaults (added by the Dockerfile)' 'loopback_users = none' >> /etc/warren/warren.conf
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY tools/build-if-needed.mjs ./tools/
COPY config ./config
# warrenctl on the PATH (`docker exec warren warrenctl list_queues`: it finds the broker through
# WARREN_DATA_DIR's local credentials); the data directory belongs to the unprivileged node user.
RUN ln -s /app/bin/warrenctl.js /usr/local/bin/warrenctl && mkdir -p /var/lib/warren && chown node:node /var/lib/warren
USER node
VOLUME /var/lib/warren
# AMQP, AMQPS (once listeners.ssl.default and ssl_options.* are set), management HTTP, Prometheus.
# management.ssl.port (15671) and prometheus.ssl.port (15691) when configured: publish them too.
EXPOSE 5672 5671 15672 15692
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "bin/warren-healthcheck.js", "/api/health/checks/protocol-listener/amqp"]
# Exec form: node is PID 1 and gets SIGTERM itself (docker stop -> graceful shutdown, exit 0).
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
