import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { config } from './lib/config';

// The schema's datasource still reads DATABASE_URL for validation.
process.env.DATABASE_URL = config().DATABASE_URL;

// The JS schema engine driven by a driver adapter: no engine binaries are downloaded.
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  adapter: async () => new PrismaPg({ connectionString: config().DATABASE_URL }),
} as any);
