// Prisma 7 CLI configuration. The connection string is only needed by commands that talk
// to a database; `prisma generate` (the only CLI command AC runs) does not.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/ac" },
});
