# syntax=docker/dockerfile:1
# Build stage: install with pnpm (better-sqlite3 compiles its native addon
# here), build everything, then keep only the server's production dependencies.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json pnpm-workspace.yaml pnpm-lock.yaml tsconfig.base.json ./
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
COPY packages/protocol/package.json packages/protocol/
COPY packages/runner-api/package.json packages/runner-api/
COPY packages/runner-js/package.json packages/runner-js/
COPY packages/runner-python/package.json packages/runner-python/
COPY packages/test-support/package.json packages/test-support/
RUN npx -y pnpm@10.34.8 install --frozen-lockfile
COPY . .
RUN npx -y pnpm@10.34.8 build
RUN rm -rf node_modules apps/*/node_modules packages/*/node_modules \
 && CI=true npx -y pnpm@10.34.8 install --prod --frozen-lockfile --filter "@interview/server..."

# Runtime stage: the server with its production dependencies, and the built web app.
FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/packages/protocol/package.json packages/protocol/
COPY --from=build /app/packages/protocol/dist packages/protocol/dist
COPY --from=build /app/packages/protocol/node_modules packages/protocol/node_modules
# The runners' sandbox documents; their code reaches browsers inside the web app's bundle.
COPY --from=build /app/packages/runner-js/package.json packages/runner-js/
COPY --from=build /app/packages/runner-js/dist/harness.html /app/packages/runner-js/dist/harness.csp packages/runner-js/dist/
COPY --from=build /app/packages/runner-python/package.json packages/runner-python/
COPY --from=build /app/packages/runner-python/dist/harness.html /app/packages/runner-python/dist/harness.csp packages/runner-python/dist/
COPY --from=build /app/apps/server/package.json apps/server/
COPY --from=build /app/apps/server/dist apps/server/dist
COPY --from=build /app/apps/server/node_modules apps/server/node_modules
COPY --from=build /app/apps/web/dist apps/web/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "apps/server/dist/main.js"]
