# The Vitals service for docker compose (it always uses the MongoDB in MONGODB_URI there).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY src ./src
COPY scripts ./scripts
COPY bench ./bench
COPY test/support ./test/support
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
# The service and its scripts only: benchmarks and test support stay in the build stage.
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/scripts ./dist/scripts
COPY package.json ./
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
