import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

// prisma generate downloads a native query engine when the schema's url is unresolved, so give it one.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/postgres';

// The JS engine + driver adapter keep the Prisma CLI off the network (no native engines to download).
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  adapter: async () =>
    new PrismaPg({ connectionString: process.env.DATABASE_URL }),
});
