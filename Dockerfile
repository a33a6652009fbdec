# One image for every service of the pipeline; docker-compose.yml picks the app with `command`
# (node dist/apps/<name>/src/main.js).

# --- build: install all dependencies, compile TypeScript to dist/, then drop the dev dependencies ---------
FROM node:20-bookworm AS build
# node-gyp compiles the pcsclite native addon during `npm ci`: it needs a C++ toolchain, python3 and the
# PC/SC headers.
RUN apt-get update \
  && apt-get install -y --no-install-recommends build-essential python3 libpcsclite-dev \
  && rm -rf /var/lib/apt/lists/*
# onnxruntime-node's install script would fetch CUDA add-ons from outside npm; the CPU build ships in the package.
ENV ONNXRUNTIME_NODE_INSTALL=skip
WORKDIR /app
# Manifests first, so a source change reuses the cached `npm ci` layer.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- runtime: same Debian release as the build (the native addon links against its glibc) -------------
FROM node:20-bookworm-slim AS runtime
# libpcsclite1: the PC/SC client library the addon loads; encode-lane reaches the host's pcscd through the
# socket in /run/pcscd (bind-mounted by docker-compose.yml). Bookworm's 1.9.9 speaks the same protocol as the
# pcscd of a Debian 12 host.
RUN apt-get update \
  && apt-get install -y --no-install-recommends libpcsclite1 fonts-noto-cjk \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
# A named volume mounted here starts as a copy of this directory, owned by the unprivileged user.
RUN mkdir -p /data/blobs && chown node:node /data/blobs
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The face detector's models (photo screening), read from the source tree's path.
COPY --from=build /app/libs/domain/photo-quality/models ./libs/domain/photo-quality/models
USER node
# Every compose service overrides this; the embedded runner (all stages in one process) is the default.
CMD ["node", "dist/apps/embedded/src/main.js"]
