// fast-check generators of hostile agent replies: arbitrary JSON, and near-valid apps and HAProxy
// replies whose fields hold hostile strings (dot segments, NUL, templates, over-long text) and
// numbers, with lists up to past their bounds. Shared by the property tests of tests/security.
import fc from "fast-check";
import { MAX_APPS_PER_REPLY, MAX_HAPROXY_BACKENDS } from "@/server/agent/limits";

const randomText = (n: number) =>
  Array.from({ length: n }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 94))).join("");

export const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.string({ minLength: 250, maxLength: 300 }),
  fc.constantFrom(
    "",
    " ",
    ".",
    "..",
    "/",
    "../..",
    "%2e%2e",
    "%2E",
    "a/b",
    "?x",
    "#y",
    "\\",
    "\0",
    "a\0b",
    "\ud800",
    "\u202e",
    "{{ lookup('pipe', 'id') }}",
    "<script>alert(1)</script>",
    "web_1",
    "web_2",
    "web_99999999999999999999",
    randomText(256),
    randomText(3000),
    randomText(4097),
  ),
);
export const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 65535, 65536, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308, 0.5),
);
const value = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.constant(""),
  fc.jsonValue({ maxDepth: 2 }),
);
const dates = fc.oneof(
  value,
  fc.constantFrom("2025-01-15T10:30:00Z", "2025-02-30T00:00:00Z", "2025-01-15T10:30:00.123456789+0200"),
);

const appFields = {
  container_name: value,
  name: value,
  container_id: value,
  compose_project_dir: value,
  image: value,
  tag: value,
  eureka_url: value,
  eureka_registered: value,
  path: value,
  log_path: value,
  distr_path: value,
  version: value,
  ip: value,
  port: value,
  pid: value,
  start_time: dates,
  status: value,
};
export const appEntry = fc.oneof(
  { weight: 4, arbitrary: fc.record(appFields, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const valid = (i: number) => ({ container_name: `flood_${i}`, name: `flood_${i}`, version: "1", status: "running" });
const applications = fc.oneof(
  { weight: 8, arbitrary: fc.array(appEntry, { maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constant(Array.from({ length: MAX_APPS_PER_REPLY + 1 }, (_, i) => valid(i))) },
);
const group = fc.oneof(fc.constant(null), fc.record({ applications }), fc.jsonValue({ maxDepth: 2 }));
export const appsReply = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      server: fc.record({ "docker-app": group, "site-app": group, "service-app": group }, { requiredKeys: [] }),
    }),
  },
  { weight: 1, arbitrary: fc.jsonValue() },
);

const serverEntry = fc.record(
  {
    name: value,
    address: value,
    status: fc.oneof(value, fc.constantFrom("UP", "DOWN", "DRAIN", "MAINT")),
    weight: value,
    current_sessions: value,
    max_sessions: value,
  },
  { requiredKeys: [] },
);
const success = fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: value });
export const backendsReply = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      success,
      backends: fc.oneof(
        { weight: 8, arbitrary: fc.array(value, { maxLength: 8 }) },
        { weight: 1, arbitrary: fc.constant(Array.from({ length: MAX_HAPROXY_BACKENDS + 1 }, (_, i) => `b${i}`)) },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ success: fc.constant(false), error: value, message: value }, { requiredKeys: ["success"] }),
  },
  { weight: 1, arbitrary: fc.jsonValue() },
);
export const serversReply = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      success,
      servers: fc.array(
        fc.oneof({ weight: 5, arbitrary: serverEntry }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }),
        { maxLength: 8 },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ success: fc.constant(false), error: value, message: value }, { requiredKeys: ["success"] }),
  },
  { weight: 1, arbitrary: fc.jsonValue() },
);
export const commandReply = fc.oneof(fc.record({ success, message: value }, { requiredKeys: [] }), fc.jsonValue());

// Near-valid replies: well-formed entries with one hostile field each, so that most of them pass
// the contract and reach the database writes (what the integration properties need to exercise).
const pointed = fc.oneof(
  fc.constantFrom(
    "\0",
    "a\0b",
    "..",
    ".",
    "a/b",
    "%2e%2e",
    "\ud800",
    "{{ x }}",
    randomText(256),
    randomText(3000),
    randomText(4097),
    65536,
    -1,
    2 ** 31,
    2 ** 53 + 2,
    0.5,
    true,
  ),
  fc.string({ unit: "binary", maxLength: 20 }),
);
const nearValidApp = fc.tuple(fc.constantFrom(...Object.keys(appFields)), pointed, fc.nat(40)).map(([field, v, i]) => ({
  container_name: `app_${i}`,
  name: `app_${i}`,
  version: "1.0",
  status: "running",
  port: 8080,
  [field]: v,
}));
const nearValidGroup = fc.record({ applications: fc.array(nearValidApp, { maxLength: 6 }) });
export const nearValidAppsReply = fc.record({
  server: fc.record({ "docker-app": nearValidGroup, "site-app": nearValidGroup, "service-app": nearValidGroup }),
});
const nearValidServer = fc
  .tuple(
    fc.constantFrom("name", "address", "status", "weight", "current_sessions", "max_sessions"),
    pointed,
    fc.nat(40),
  )
  .map(([field, v, i]) => ({ name: `s${i}`, address: "10.0.0.9:80", status: "UP", weight: 1, [field]: v }));
export const nearValidBackendsReply = fc.record({
  success: fc.constant(true),
  backends: fc.array(fc.oneof(pointed, fc.constantFrom("web", "api")), { minLength: 1, maxLength: 4 }),
});
export const nearValidServersReply = fc.record({
  success: fc.constant(true),
  servers: fc.uniqueArray(nearValidServer, { maxLength: 6, selector: (s) => s.name }),
});

/** A reply as bytes: mostly the JSON of `json`, sometimes text that is not JSON, or raw bytes. */
export const replyBytes = (json: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 8, arbitrary: json.map((v) => Buffer.from(JSON.stringify(v) ?? "null")) },
    { weight: 1, arbitrary: fc.string({ unit: "binary" }).map((s) => Buffer.from(s)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
  );
