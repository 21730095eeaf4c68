// Migration SQL from Prisma 6.19 (`prisma6`, a dev dependency), because the Prisma 7 CLI cannot
// diff offline: its `migrate diff` needs the schema-engine binary, which cannot be downloaded here.
// Prisma 6.19 carries a WebAssembly schema engine, used when its config says
// `experimental: { adapter: true }, engine: "js"`. Conditions (measured, see
// /work/shared/prisma-offline.md): the schema files must be Prisma-6 valid (a datasource `url`,
// a generator with `engineType = "client"`), and DATABASE_URL must reach a running PostgreSQL
// even though a diff between two schema files never reads it. With an adapter, Prisma 6 refuses
// --from-url and --from-migrations, so a diff can only go from one schema file to another.
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

const require = createRequire(import.meta.url);

/** A Prisma 7 schema rewritten so Prisma 6.19 accepts it; only generators and the datasource change. */
export function toPrisma6Schema(schema: string): string {
  const datasource = /^[ \t]*datasource\s+(\w+)\s*\{([^}]*)\}/m.exec(schema);
  if (!datasource) throw new Error("The schema has no datasource block");
  const keep = (datasource[2] ?? "")
    .split("\n")
    .filter((line) => !/^\s*(url|directUrl|shadowDatabaseUrl)\s*=/.test(line))
    .join("\n")
    .trimEnd();
  const rewritten = `datasource ${datasource[1]} {${keep}\n  url = env("DATABASE_URL")\n}`;
  return [
    'generator client {\n  provider   = "prisma-client-js"\n  engineType = "client"\n}',
    schema.replace(/^[ \t]*generator\s+\w+\s*\{[^}]*\}/gm, "").replace(datasource[0], rewritten),
  ].join("\n\n");
}

export interface DiffResult {
  /** False when the two schemas give the same database. */
  changed: boolean;
  sql: string;
}

/**
 * The SQL that takes a database from `from` (schema text, or null for an empty database) to `to`.
 * `databaseUrl` must reach a running PostgreSQL (see above); nothing is read from or written to it.
 */
export async function diffSchemas(from: string | null, to: string, databaseUrl: string): Promise<DiffResult> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ac-prisma6-"));
  try {
    const toFile = path.join(dir, "to.prisma");
    await fs.writeFile(toFile, toPrisma6Schema(to));
    const fromArgs = from === null ? ["--from-empty"] : ["--from-schema-datamodel", path.join(dir, "from.prisma")];
    if (from !== null) await fs.writeFile(path.join(dir, "from.prisma"), toPrisma6Schema(from));
    const configFile = path.join(dir, "prisma.config.cjs");
    await fs.writeFile(configFile, prisma6Config(toFile));
    const outFile = path.join(dir, "diff.sql");

    const args = [
      "migrate",
      "diff",
      "--config",
      configFile,
      ...fromArgs,
      "--to-schema-datamodel",
      toFile,
      "--script",
      "--exit-code",
      "--output",
      outFile,
    ];
    const { code, output } = await run(process.execPath, [require.resolve("prisma6/build/index.js"), ...args], {
      cwd: dir,
      env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    });
    // --exit-code: 0 = no difference, 2 = difference, anything else = failure.
    if (code !== 0 && code !== 2) throw new Error(`prisma6 migrate diff failed (exit ${code}):\n${output}`);
    return { changed: code === 2, sql: await fs.readFile(outFile, "utf8") };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Written next to the temporary schemas; resolves prisma6 and its adapter from this repo. */
function prisma6Config(schemaFile: string): string {
  return `const { defineConfig } = require(${JSON.stringify(require.resolve("prisma6/config"))});
const { PrismaPg } = require(${JSON.stringify(require.resolve("@prisma/adapter-pg-6"))});
module.exports = defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: ${JSON.stringify(schemaFile)},
  // A short idle timeout, or the pool keeps the CLI alive for 10 s after it is done.
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL, idleTimeoutMillis: 50 }),
});
`;
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output }));
  });
}
