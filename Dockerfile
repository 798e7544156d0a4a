# syntax=docker/dockerfile:1
# One image, three programs: the chart runs `node dist/controller/main.js` and `node dist/webhook/main.js`,
# and the controller runs `node dist/gateway-reloader/main.js` beside nginx in every gateway pod.

# Build: compile the TypeScript (tsconfig.build.json writes dist/), then drop the dev dependencies.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: the build needs only tsc, and nothing that runs at install time reaches the image.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY shared ./shared
COPY controller ./controller
COPY webhook ./webhook
COPY gateway-reloader ./gateway-reloader
# tsc itself: the npm script goes through scripts/run.sh (the development set-up), which the image has not.
RUN node_modules/.bin/tsc -p tsconfig.build.json && npm prune --omit=dev --ignore-scripts

# Run: Node.js and nothing else (no shell, no package manager), as the unprivileged uid 65532. Files stay
# owned by root, so the process cannot change its own code.
FROM gcr.io/distroless/nodejs24-debian12:nonroot
LABEL org.opencontainers.image.title="ai-gateway-operator" \
      org.opencontainers.image.description="Controller and admission/conversion webhook for APIGatewayRoute and AIModel" \
      org.opencontainers.image.licenses="Apache-2.0"
WORKDIR /app
ENV NODE_ENV=production
# package.json says "type": "module", which makes Node load dist/**/*.js as ES modules.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER 65532:65532
ENTRYPOINT ["/nodejs/bin/node"]
CMD ["dist/controller/main.js"]
