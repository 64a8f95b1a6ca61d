# syntax=docker/dockerfile:1

# Build: all dependencies, compile, then drop the dev ones.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# A local devDependency (the lowest supported Node, for a test): npm ci needs its package.json.
COPY test/lowest-node/package.json ./test/lowest-node/
# No dependency runs an install script. The lockfile has four packages with one, and none is needed:
#   node (dev): downloads a Node binary for the npm scripts; this image brings its own Node.
#   @parcel/watcher (dev): builds a file watcher for `nest start --watch`.
#   msgpackr-extract: looks for its native binary, which comes prebuilt in
#     @msgpackr-extract/msgpackr-extract-linux-<arch> and is loaded at run time.
#   @scarf/scarf: install analytics of swagger-ui-dist, which phone home.
# A dependency that starts to need one must be added here by name (npm rebuild <name>).
RUN npm ci --ignore-scripts
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts

# Run: production dependencies and the build only, as the unprivileged node user.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --chown=node:node package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# Served by the api: the banner images at /media/ and the demo home page at /.
COPY --chown=node:node media ./media
COPY --chown=node:node public ./public
USER node
EXPOSE 3000
# A young generation of 16 MB semi-spaces (Node's default grows with the host's memory): 25 to 80 MB
# less resident memory per process once it has served load (BENCHMARKS.md). Without the flag the
# process caps itself the same way once running (src/memory/young-generation-cap.ts); the flag also
# covers start-up. The bench, and the test of this image's runtime, start the service with the flags given here.
ENTRYPOINT ["node", "--max-semi-space-size=16", "dist/main"]
CMD ["--role=api"]
