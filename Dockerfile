# One image for the API, the workers and the one-shot jobs (migrations, the
# worker build's promotion); docker-compose.yml picks the command. Built in
# stages from package-lock.json with `npm ci`: the runtime stage carries only
# the production dependencies, the generated Prisma client and the workflow
# bundle built here (its hash is the workers' build id, README "Deploying").
# TypeScript runs through tsx, a production dependency, as in development.

# --- production dependencies only ---------------------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
# Prisma runs its JavaScript engine through the pg driver adapter: no native
# engines to download, so point the CLI's engine variables at any file.
ENV PRISMA_SCHEMA_ENGINE_BINARY=/bin/true \
    PRISMA_QUERY_ENGINE_LIBRARY=/bin/true
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- build: the Prisma client and the workflow bundle -------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV PRISMA_SCHEMA_ENGINE_BINARY=/bin/true \
    PRISMA_QUERY_ENGINE_LIBRARY=/bin/true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json prisma.config.ts ./
COPY prisma ./prisma
COPY domain ./domain
COPY lib ./lib
COPY policy ./policy
COPY workflows ./workflows
COPY worker ./worker
COPY scripts/bundle-workflows.ts ./scripts/
RUN npx --no-install prisma generate \
 && node --import tsx scripts/bundle-workflows.ts dist/workflow-bundle.js

# --- runtime ------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PRISMA_SCHEMA_ENGINE_BINARY=/bin/true \
    PRISMA_QUERY_ENGINE_LIBRARY=/bin/true \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/generated ./generated
COPY --from=build /app/dist ./dist
COPY package.json package-lock.json tsconfig.json prisma.config.ts ./
COPY prisma ./prisma
COPY domain ./domain
COPY lib ./lib
COPY policy ./policy
COPY workflows ./workflows
COPY activities ./activities
COPY services ./services
COPY api ./api
COPY web ./web
COPY worker ./worker
COPY scripts ./scripts

USER node
EXPOSE 3000 9464
CMD ["node", "--import", "tsx", "api/main.ts"]
