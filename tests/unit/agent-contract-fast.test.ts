// The contract's fast path (server/agent/contract-fast.ts) against its zod schemas: wherever the
// fast path answers, it answers exactly what zod returns; everything doubtful is left to zod
// (whose messages tests/unit/agent-contract.test.ts pins). Every field of every kind is tried with
// values on both sides of each bound, in each tolerated form and of each wrong type.
import { describe, expect, it } from "vitest";
import { appSchemas, APP_KINDS, type AppKind } from "@/server/agent/contract";
import { parseEntryFast } from "@/server/agent/contract-fast";
import { generateFleet } from "@/tools/fagent-sim";

const base: Record<AppKind, Record<string, unknown>> = {
  docker: {
    container_id: "3f2a9c",
    container_name: "jurws_1",
    compose_project_dir: "/opt/compose/jurws",
    image: "registry.local/jurws:1.4.2",
    tag: "1.4.2",
    version: "1.4.2",
    ip: "172.18.0.5",
    port: 8080,
    pid: 4242,
    start_time: "2025-01-15T10:30:00Z",
    eureka_url: "http://eureka.local:8761/eureka/",
    eureka_registered: true,
    status: "running",
  },
  site: {
    name: "billing-api_2",
    path: "/var/www/billing-api",
    log_path: "/var/log/billing-api.log",
    version: "2.0.1",
    distr_path: "/opt/distr/billing-api-2.0.1.zip",
    ip: "127.0.0.2",
    port: 8081,
    pid: 77,
    start_time: null,
    status: "active",
  },
  service: { name: "payments_3", status: "inactive" },
};
const fields: Record<AppKind, string[]> = {
  docker: Object.keys(base.docker),
  site: Object.keys(base.site),
  service: Object.keys(base.site),
};

const MISSING = Symbol("missing");
const values: unknown[] = [
  MISSING,
  null,
  true,
  false,
  [],
  {},
  0,
  -1,
  1,
  1.5,
  8080,
  65535,
  65536,
  2147483647,
  2147483648,
  1e21,
  "",
  "   ",
  "x",
  " x ",
  "a".repeat(255),
  ` ${"a".repeat(255)} `,
  "a".repeat(256),
  "a".repeat(4096),
  "a".repeat(4097),
  "s".repeat(100),
  ` ${"s".repeat(100)} `,
  "s".repeat(101),
  "a\0b",
  "\uD800",
  "\uD83D\uDE00",
  "платёж_2",
  "true",
  " TRUE ",
  "False",
  "yes",
  "8080",
  " 8080 ",
  "-1",
  "0",
  "80/tcp",
  "1.5",
  "65536",
  "2147483648",
  "99999999999999999",
  "2025-01-15T10:30:00Z",
  " 2025-01-15T10:30:00.123456789+02:00 ",
  "2025-01-15T10:30",
  "2025-02-30T00:00:00Z",
  "0000-01-01T00:00:00Z",
  "0001-01-01T00:00:00Z",
  "9999-12-31T23:30:00-01:00",
  "2025-01-15 10:30:00",
  `2025-01-15T10:30:00.${"1".repeat(90)}Z`,
  "not a date",
];

const withValue = (kind: AppKind, field: string, value: unknown) => {
  const entry: Record<string, unknown> = { ...base[kind] };
  if (value === MISSING) delete entry[field];
  else entry[field] = value;
  return entry;
};

/** The fast path's answer, checked against zod's; true when the fast path answered. */
function agrees(kind: AppKind, raw: unknown): boolean {
  const fast = parseEntryFast(kind, raw);
  if (fast === null) return false;
  const slow = appSchemas[kind].safeParse(raw);
  expect(slow.success, `zod refuses what the fast path took: ${JSON.stringify(raw)}`).toBe(true);
  expect(fast).toStrictEqual(slow.data);
  return true;
}

describe("the contract's fast path", () => {
  it.each(APP_KINDS)("returns what zod returns for every %s field and value it takes, and only those", (kind) => {
    let answered = 0;
    let tried = 0;
    for (const field of fields[kind])
      for (const value of values) {
        tried++;
        if (agrees(kind, withValue(kind, field, value))) answered++;
      }
    // Both sides are exercised: most values are taken, the doubtful ones are left to zod.
    expect(answered).toBeGreaterThan(tried / 2);
    expect(answered).toBeLessThan(tried);
  });

  it("leaves entries that are not objects to zod", () => {
    for (const raw of [null, undefined, [], "x", 1, true]) expect(parseEntryFast("docker", raw)).toBeNull();
  });

  it("takes every entry of a generated fleet, as zod reads it", () => {
    const scenario = generateFleet({ servers: 20, appsPerServer: 25, seed: 3 });
    for (const agent of scenario.agents)
      for (const kind of APP_KINDS) for (const app of agent.apps[kind]) expect(agrees(kind, app)).toBe(true);
  });
});
