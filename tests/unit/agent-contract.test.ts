// The FAgent apps contract: a wrong envelope fails the reply; a wrong entry is skipped alone.
import { describe, expect, it } from "vitest";
import { AgentReplyError, parseAppsReply, parseIsoDateTime } from "@/server/agent/contract";

const docker = (extra: Record<string, unknown> = {}) => ({
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
  ...extra,
});
const site = (extra: Record<string, unknown> = {}) => ({
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
  ...extra,
});
const reply = (groups: Record<string, unknown>) => ({ server: groups });
const one = (kind: "docker-app" | "site-app" | "service-app", entry: unknown) =>
  parseAppsReply(reply({ [kind]: { applications: [entry] } }));

describe("envelope", () => {
  it.each([
    ["not an object", [], "expected object, got array"],
    ["no server", { apps: [] }, "server: required"],
    ["server is an array", { server: [] }, "server: expected object, got array"],
    [
      "applications not an array",
      reply({ "docker-app": { applications: {} } }),
      "server.docker-app.applications: expected array, got object",
    ],
    [
      "applications null",
      reply({ "site-app": { applications: null } }),
      "server.site-app.applications: expected array, got null",
    ],
    ["group without applications", reply({ "service-app": {} }), "server.service-app.applications: required"],
  ])("a reply with %s throws AgentReplyError naming the problem", (_, json, detail) => {
    expect(() => parseAppsReply(json)).toThrow(AgentReplyError);
    expect(() => parseAppsReply(json)).toThrow(`reply is not an FAgent apps reply: ${detail}`);
  });

  it("each group may be missing, null or empty", () => {
    expect(parseAppsReply(reply({}))).toEqual({ apps: [], rejected: [], coercions: {} });
    expect(parseAppsReply(reply({ "docker-app": null, "site-app": { applications: [] } }))).toEqual({
      apps: [],
      rejected: [],
      coercions: {},
    });
    const { apps } = parseAppsReply(
      reply({ "docker-app": null, "service-app": { applications: [site({ name: "cron_1" })] } }),
    );
    expect(apps.map((a) => [a.appType, a.instanceName])).toEqual([["service", "cron_1"]]);
  });
});

describe("entries", () => {
  it("maps a docker entry to camelCase with instanceName = container_name", () => {
    const { apps, rejected } = one("docker-app", docker());
    expect(rejected).toEqual([]);
    expect(apps).toEqual([
      {
        appType: "docker",
        instanceName: "jurws_1",
        containerId: "3f2a9c",
        containerName: "jurws_1",
        composeProjectDir: "/opt/compose/jurws",
        image: "registry.local/jurws:1.4.2",
        tag: "1.4.2",
        version: "1.4.2",
        ip: "172.18.0.5",
        port: 8080,
        pid: 4242,
        startTime: new Date("2025-01-15T10:30:00Z"),
        eurekaUrl: "http://eureka.local:8761/eureka/",
        eurekaRegistered: true,
        status: "running",
      },
    ]);
  });

  it("maps site and service entries with instanceName = name", () => {
    const { apps } = parseAppsReply(
      reply({ "site-app": { applications: [site()] }, "service-app": { applications: [site({ name: "cron" })] } }),
    );
    expect(apps[0]).toEqual({
      appType: "site",
      instanceName: "billing-api_2",
      name: "billing-api_2",
      path: "/var/www/billing-api",
      logPath: "/var/log/billing-api.log",
      distrPath: "/opt/distr/billing-api-2.0.1.zip",
      version: "2.0.1",
      ip: "127.0.0.2",
      port: 8081,
      pid: 77,
      startTime: null,
      status: "active",
    });
    expect(apps[1]).toMatchObject({ appType: "service", instanceName: "cron" });
  });

  it("strips unknown fields", () => {
    const { apps } = one("docker-app", docker({ labels: { a: 1 }, restart_count: 3 }));
    expect(apps[0]).not.toHaveProperty("labels");
    expect(apps[0]).not.toHaveProperty("restart_count");
  });

  it("turns empty or blank optional text into null, and absent fields into null", () => {
    const { apps } = one("site-app", {
      name: "docs",
      path: "",
      log_path: "  ",
      version: "",
      status: "",
      start_time: "",
    });
    expect(apps[0]).toMatchObject({
      path: null,
      logPath: null,
      version: null,
      status: null,
      startTime: null,
      distrPath: null,
      port: null,
      pid: null,
    });
  });

  it("keeps the raw status string for the status table to normalise", () => {
    expect(one("docker-app", docker({ status: "Paused" })).apps[0]?.status).toBe("Paused");
  });

  it("keeps non-ASCII names", () => {
    const { apps } = parseAppsReply(
      reply({
        "docker-app": { applications: [docker({ container_name: "отчёты_1" })] },
        "site-app": { applications: [site({ name: "café-web_2" })] },
      }),
    );
    expect(apps.map((a) => a.instanceName)).toEqual(["отчёты_1", "café-web_2"]);
  });

  it("rejects an entry with a wrong type and keeps the others", () => {
    const { apps, rejected } = parseAppsReply(
      reply({
        "docker-app": {
          applications: [
            docker(),
            docker({ container_name: "web_1", port: "80/tcp" }),
            docker({ container_name: "jurws_2" }),
          ],
        },
      }),
    );
    expect(apps.map((a) => a.instanceName)).toEqual(["jurws_1", "jurws_2"]);
    expect(rejected).toEqual([
      {
        kind: "docker",
        index: 1,
        name: "web_1",
        reason: 'docker-app[1] "web_1": port: expected integer, got string "80/tcp"',
      },
    ]);
  });

  it.each([
    [{ pid: 1.5 }, "pid: expected integer, got number 1.5"],
    [{ port: 70000 }, "port: must be <= 65535, got 70000"],
    [{ pid: "12.5" }, 'pid: expected integer, got string "12.5"'],
    [{ pid: "" }, 'pid: expected integer, got string ""'],
    [{ port: "70000" }, 'port: must be <= 65535, got "70000"'],
    [{ pid: "-3" }, 'pid: must be >= 0, got "-3"'],
    [{ pid: 2 ** 31 }, "pid: must be <= 2147483647, got 2147483648"],
    [{ port: true }, "port: expected integer, got boolean"],
    [{ eureka_registered: "yes" }, 'eureka_registered: expected boolean, got string "yes"'],
    [{ eureka_registered: 1 }, "eureka_registered: expected boolean, got number"],
    [{ version: false }, "version: expected string, got boolean"],
    [{ status: "x".repeat(101) }, "status: longer than 100 characters"],
    [{ start_time: "yesterday" }, 'start_time: expected an ISO-8601 date-time, got "yesterday"'],
    [{ start_time: 1736937000 }, "start_time: expected string, got number"],
    // PostgreSQL cannot store year 0 (SQLSTATE 22008): refused here, not failed at every store.
    [
      { start_time: "0000-01-01T00:00:00Z" },
      'start_time: must be between 0001-01-01 and 9999-12-31 (UTC), got "0000-01-01T00:00:00Z"',
    ],
    [
      { start_time: "9999-12-31T23:30:00-01:00" },
      'start_time: must be between 0001-01-01 and 9999-12-31 (UTC), got "9999-12-31T23:30:00-01:00"',
    ],
  ])("rejects %j with a readable reason", (extra, reason) => {
    const { apps, rejected } = one("docker-app", docker(extra));
    expect(apps).toEqual([]);
    expect(rejected[0]?.reason).toBe(`docker-app[0] "jurws_1": ${reason}`);
  });

  it("names every wrong field of an entry in one reason", () => {
    const { rejected } = one("docker-app", docker({ tag: 2, status: false }));
    expect(rejected[0]?.reason).toBe(
      'docker-app[0] "jurws_1": status: expected string, got boolean; tag: expected string, got number',
    );
  });

  it("rejects entries without a name, and entries that are not objects", () => {
    const { rejected } = parseAppsReply(
      reply({
        "docker-app": { applications: [docker({ container_name: undefined }), docker({ container_name: "" })] },
        "site-app": { applications: ["billing", null, site({ name: 42 })] },
      }),
    );
    expect(rejected.map((r) => r.reason)).toEqual([
      "docker-app[0]: container_name: required",
      "docker-app[1]: container_name: required",
      "site-app[0]: expected object, got string",
      "site-app[1]: expected object, got null",
      "site-app[2]: name: expected string, got number",
    ]);
    expect(rejected.map((r) => r.name)).toEqual([null, null, null, null, null]);
  });

  it("rejects a second entry with the same name in one group, not in another group", () => {
    const { apps, rejected } = parseAppsReply(
      reply({
        "docker-app": { applications: [docker(), docker({ version: "2" })] },
        "site-app": { applications: [site({ name: "jurws_1" })] },
      }),
    );
    expect(apps.map((a) => [a.appType, a.version])).toEqual([
      ["docker", "1.4.2"],
      ["site", "2.0.1"],
    ]);
    expect(rejected.map((r) => r.reason)).toEqual([
      'docker-app[1] "jurws_1": duplicate container_name, first entry kept',
    ]);
  });
});

describe("tolerated forms", () => {
  it.each([
    [{ port: "8080" }, { port: 8080 }, { port: 1 }],
    [
      { port: " 8080 ", pid: "4242" },
      { port: 8080, pid: 4242 },
      { port: 1, pid: 1 },
    ],
    [{ pid: "0" }, { pid: 0 }, { pid: 1 }],
    [{ eureka_registered: "true" }, { eurekaRegistered: true }, { eureka_registered: 1 }],
    [{ eureka_registered: " False " }, { eurekaRegistered: false }, { eureka_registered: 1 }],
    [{ version: 1.4 }, { version: "1.4" }, { version: 1 }],
    [{ version: 2 }, { version: "2" }, { version: 1 }],
    [{ version: 1.1 }, { version: "1.1" }, { version: 1 }],
    [{ status: "  Exited (1) 2 minutes ago " }, { status: "Exited (1) 2 minutes ago" }, {}],
    [{}, { port: 8080, pid: 4242, eurekaRegistered: true, version: "1.4.2" }, {}],
  ])("accepts %j as %j and counts %j", (extra, parsed, coercions) => {
    const result = one("docker-app", docker(extra));
    expect(result.rejected).toEqual([]);
    expect(result.apps[0]).toMatchObject(parsed);
    expect(result.coercions).toEqual(coercions);
  });

  it("counts each tolerated form per field over the whole reply, accepted entries only", () => {
    const { apps, coercions } = parseAppsReply(
      reply({
        "docker-app": {
          applications: [
            docker({ port: "1" }),
            docker({ container_name: "b_1", port: "2", pid: "3" }),
            docker({ container_name: "c_1", port: "4", pid: "x" }),
          ],
        },
        "site-app": { applications: [site({ version: 3, eureka_registered: "true" })] },
      }),
    );
    expect(apps.map((a) => a.port)).toEqual([1, 2, 8081]);
    // eureka_registered is no field of a site entry: ignored like any unknown field, not counted.
    expect(coercions).toEqual({ port: 2, pid: 1, version: 1 });
  });
});

describe("start_time", () => {
  it.each([
    ["2025-01-15T10:30:00Z", "2025-01-15T10:30:00.000Z"],
    ["2025-01-15T10:30:00.123456789Z", "2025-01-15T10:30:00.123Z"],
    ["2025-01-15T13:30:00+03:00", "2025-01-15T10:30:00.000Z"],
    ["2025-01-15T13:30:00+0300", "2025-01-15T10:30:00.000Z"],
    ["2025-01-15T10:30:00", "2025-01-15T10:30:00.000Z"],
    ["2025-01-15T10:30", "2025-01-15T10:30:00.000Z"],
    ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"],
    ["9999-12-31T23:59:59Z", "9999-12-31T23:59:59.000Z"],
  ])("reads %s (no offset = UTC)", (text, iso) => {
    expect(parseIsoDateTime(text)?.toISOString()).toBe(iso);
  });

  it.each([
    "2025-02-30T00:00:00Z",
    "2025-13-01T00:00:00Z",
    "2025-01-15",
    "2025-01-15 10:30:00",
    "15.01.2025 10:30",
    "now",
    "0000-01-01T00:00:00Z",
    "0001-01-01T00:30:00+01:00",
    "9999-12-31T23:30:00-01:00",
  ])("refuses %s", (text) => expect(parseIsoDateTime(text)).toBeNull());
});
