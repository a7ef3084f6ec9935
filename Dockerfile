# The Vitals service for docker compose (it always uses the MongoDB in MONGODB_URI there).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY web ./web
COPY src ./src
COPY scripts ./scripts
COPY bench ./bench
COPY test/support ./test/support
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
# The service, its scripts and its browser pages only: benchmarks and test support stay in the build stage.
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/scripts ./dist/scripts
# The dashboard and GraphiQL, built by Vite: static files the service serves.
COPY --from=build /app/dist/web ./dist/web
COPY package.json ./
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
