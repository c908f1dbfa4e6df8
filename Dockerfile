# One image for the API, the worker and the migration job; docker-compose.yml
# picks the command. TypeScript runs through tsx, as in development.
FROM node:20-bookworm-slim

WORKDIR /app
# Prisma runs its JavaScript engine through the pg driver adapter: no native
# engines to download, so point the CLI's engine variables at any file.
ENV NODE_ENV=production \
    PRISMA_SCHEMA_ENGINE_BINARY=/bin/true \
    PRISMA_QUERY_ENGINE_LIBRARY=/bin/true

COPY package.json package-lock.json ./
# `npm install` rather than `npm ci`: the lockfile omits some of @swc/core's
# optional per-platform packages, which npm ci rejects.
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json prisma.config.ts ./
COPY prisma ./prisma
COPY lib ./lib
RUN npx prisma generate

COPY policy ./policy
COPY workflows ./workflows
COPY activities ./activities
COPY api ./api
COPY web ./web
COPY worker ./worker
COPY scripts ./scripts

USER node
EXPOSE 3000
CMD ["node_modules/.bin/tsx", "api/main.ts"]
