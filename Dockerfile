# One image for the API, the workers and the one-shot jobs (migrations, the
# worker build's promotion); docker-compose.yml picks the command. Built in
# stages from package-lock.json with `npm ci`: the runtime stage carries only
# the production dependencies and the generated Prisma client. Workers bundle
# the workflows in memory when they start, because the bundle carries
# ACTOR_CLAIM_SECRET and must never be written into an image
# (docs/security-temporal.md). TypeScript runs through tsx, a production
# dependency, as in development.

# --- production dependencies only ---------------------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
# Prisma runs its JavaScript engine through the pg driver adapter: no native
# engines to download, so point the CLI's engine variables at any file.
ENV PRISMA_SCHEMA_ENGINE_BINARY=/bin/true \
    PRISMA_QUERY_ENGINE_LIBRARY=/bin/true
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- build: the Prisma client ---------------------------------------------------------
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
RUN npx --no-install prisma generate

# --- runtime ------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PRISMA_SCHEMA_ENGINE_BINARY=/bin/true \
    PRISMA_QUERY_ENGINE_LIBRARY=/bin/true
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/generated ./generated
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
