# syntax=docker/dockerfile:1
# Warren: an AMQP 0-9-1 broker. Build: docker build -t warren .
# Run:   docker run -d --init -p 5672:5672 -p 15672:15672 -p 15692:15692 -v warren-data:/var/lib/warren warren

# --- build: full dependencies, compile TypeScript, then drop dev dependencies ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY management-ui ./management-ui
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- runtime: compiled JS and production dependencies only ---
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    WARREN_CONFIG_FILE=/etc/warren/warren.conf
# Container defaults go in the config file rather than in WARREN_* variables, because
# variables would beat a config file the operator mounts over /etc/warren/warren.conf.
# Listen on every interface (a container's loopback is unreachable from outside), and,
# like the official rabbitmq image (loopback_users.guest = false), let guest log in from
# the bridge network. Mount your own file or set WARREN_DEFAULT_USER/PASS for production.
COPY config/warren.conf /etc/warren/warren.conf
RUN printf '%s\n' '' '## Container defaults (added by the Dockerfile)' \
      'listeners.tcp.default = 0.0.0.0:5672' 'management.tcp.ip = 0.0.0.0' 'loopback_users = none' \
      >> /etc/warren/warren.conf
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY tools/build-if-needed.mjs ./tools/
COPY config ./config
COPY management-ui ./management-ui
RUN mkdir -p /var/lib/warren && chown node:node /var/lib/warren
USER node
VOLUME /var/lib/warren
EXPOSE 5672 15672 15692
# The health checks need a management user (as RabbitMQ's): the check logs in with the local
# credentials the broker writes into its data directory at each start (warrenctl's), whatever users exist.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s \
  CMD ["node", "-e", "const c = JSON.parse(require('fs').readFileSync('/var/lib/warren/warrenctl.credentials', 'utf8')); fetch(c.api_url + '/api/health/checks/port-listener/5672', { headers: { authorization: 'Basic ' + Buffer.from(c.username + ':' + c.secret).toString('base64') } }).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself (docker stop -> 320 to clients, exit 0).
CMD ["node", "dist/main.js", "--data-dir", "/var/lib/warren"]
