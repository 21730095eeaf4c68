import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/server/config";

describe("configuration", () => {
  it("has the documented defaults (.env.example)", () => {
    expect(parseConfig({})).toMatchObject({
      POLLING_INTERVAL: 60,
      CONNECTION_TIMEOUT: 5,
      DEFAULT_UPDATE_PLAYBOOK: path.resolve("ansible/update-app.example.yml"),
      CLEAN_EVENTS_OLDER_THAN: 30,
      CLEAN_TASKS_OLDER_THAN: 30,
      HAPROXY_ENABLED: true,
      HAPROXY_POLLING_INTERVAL: 60,
      HAPROXY_CACHE_TTL: 30,
      HAPROXY_REQUEST_TIMEOUT: 10,
      HAPROXY_MAX_RETRIES: 3,
      HAPROXY_CIRCUIT_BREAKER_THRESHOLD: 5,
      HAPROXY_CIRCUIT_BREAKER_TIMEOUT: 300,
      PLAYBOOK_DIRS: [path.resolve("ansible")],
      PLAYBOOK_ENV: [],
      TASK_RUNNER_ENABLED: true,
      TASK_LEASE_SECONDS: 30,
      TASK_HEARTBEAT_SECONDS: 5,
      TASK_DB_RETRY_SECONDS: 180,
      SCHEDULER_ENABLED: true,
      POLL_CHUNK_SIZE: 100,
    });
  });

  it("task runners: web-only with TASK_RUNNER_ENABLED=false; a lease too short for its heartbeats is refused", () => {
    expect(parseConfig({ TASK_RUNNER_ENABLED: "false" }).TASK_RUNNER_ENABLED).toBe(false);
    expect(() => parseConfig({ TASK_RUNNER_ENABLED: "sometimes" })).toThrow(
      /TASK_RUNNER_ENABLED.*must be true or false/,
    );
    expect(parseConfig({ TASK_LEASE_SECONDS: "7", TASK_HEARTBEAT_SECONDS: "2" })).toMatchObject({
      TASK_LEASE_SECONDS: 7,
      TASK_HEARTBEAT_SECONDS: 2,
    });
    expect(() => parseConfig({ TASK_LEASE_SECONDS: "10", TASK_HEARTBEAT_SECONDS: "5" })).toThrow(
      /TASK_LEASE_SECONDS="10": must be at least 3 × TASK_HEARTBEAT_SECONDS \(15\)/,
    );
    // Three heartbeats, but the fence (lease × 0.99 − 2 s, server/tasks/fence.ts) would leave less than two.
    expect(() => parseConfig({ TASK_LEASE_SECONDS: "6", TASK_HEARTBEAT_SECONDS: "2" })).toThrow(
      /TASK_LEASE_SECONDS="6": must be at least 7: a runner fences itself/,
    );
  });

  it("bounds the replica settings", () => {
    expect(parseConfig({ AC_REPLICA_NAME: " web-2 ", POLL_CHUNK_SIZE: "25" })).toMatchObject({
      AC_REPLICA_NAME: "web-2",
      POLL_CHUNK_SIZE: 25,
    });
    expect(() => parseConfig({ POLL_CHUNK_SIZE: "0" })).toThrow(/POLL_CHUNK_SIZE="0"/);
    expect(() => parseConfig({ AC_REPLICA_NAME: "x".repeat(101) })).toThrow(/AC_REPLICA_NAME=.*at most 100 characters/);
  });

  it("reads playbook folders colon-separated, relative ones from AC's folder, and keeps the default playbook inside them", () => {
    expect(
      parseConfig({
        PLAYBOOK_DIRS: "/etc/ac/playbooks: ansible ",
        DEFAULT_UPDATE_PLAYBOOK: "/etc/ac/playbooks/update.yml",
      }),
    ).toMatchObject({
      PLAYBOOK_DIRS: ["/etc/ac/playbooks", path.resolve("ansible")],
      DEFAULT_UPDATE_PLAYBOOK: "/etc/ac/playbooks/update.yml",
    });
    expect(() => parseConfig({ PLAYBOOK_DIRS: "/etc/ac/playbooks" })).toThrow(
      /DEFAULT_UPDATE_PLAYBOOK.*update-app\.example\.yml is not inside PLAYBOOK_DIRS \(\/etc\/ac\/playbooks\)/,
    );
    expect(() =>
      parseConfig({ DEFAULT_UPDATE_PLAYBOOK: "/etc/ansible/../../work/x.yml", PLAYBOOK_DIRS: "/etc/ansible" }),
    ).toThrow(/is not inside PLAYBOOK_DIRS/);
    expect(() => parseConfig({ PLAYBOOK_DIRS: " : " })).toThrow(/PLAYBOOK_DIRS=" : ": name at least one folder/);
  });

  it("refuses to pass AC's own secrets to playbooks through PLAYBOOK_ENV", () => {
    expect(parseConfig({ PLAYBOOK_ENV: "HTTPS_PROXY, VAULT_ADDR" }).PLAYBOOK_ENV).toEqual([
      "HTTPS_PROXY",
      "VAULT_ADDR",
    ]);
    expect(() => parseConfig({ PLAYBOOK_ENV: "VAULT_ADDR,DATABASE_URL" })).toThrow(/DATABASE_URL is AC's own secret/);
    expect(() => parseConfig({ PLAYBOOK_ENV: "A-B" })).toThrow(/A-B is not a variable name/);
  });

  it("reads numbers and booleans from strings", () => {
    expect(parseConfig({ POLLING_INTERVAL: "15", HAPROXY_ENABLED: "false" })).toMatchObject({
      POLLING_INTERVAL: 15,
      HAPROXY_ENABLED: false,
    });
  });

  it("names every bad variable, its value and what it accepts", () => {
    let error: unknown;
    try {
      parseConfig({ POLLING_INTERVAL: "soon", HAPROXY_ENABLED: "maybe", DATABASE_URL: "not a url" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/POLLING_INTERVAL="soon": .*number/);
    expect(message).toMatch(/HAPROXY_ENABLED="maybe": must be true or false/);
    expect(message).toMatch(/DATABASE_URL="not a url": must be a postgresql:\/\/ URL/);
  });

  it("never shows a password: the credentials of a bad DATABASE_URL are starred", () => {
    let message = "";
    try {
      parseConfig({ DATABASE_URL: "postgresql://ac:pg-s3cret@/ac" });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('DATABASE_URL="postgresql://ac:***@/ac": must be a postgresql:// URL');
    expect(message).not.toContain("pg-s3cret");
  });
  it("keeps /api/metrics off without AC_METRICS_TOKEN and refuses a weak one without showing it", () => {
    expect(parseConfig({}).AC_METRICS_TOKEN).toBeUndefined();
    expect(parseConfig({ AC_METRICS_TOKEN: " " }).AC_METRICS_TOKEN).toBeUndefined();
    const token = "0123456789abcdef0123456789abcdef";
    expect(parseConfig({ AC_METRICS_TOKEN: token }).AC_METRICS_TOKEN).toBe(token);
    expect(() => parseConfig({ AC_METRICS_TOKEN: "short-secret" })).toThrow(
      /AC_METRICS_TOKEN=\(hidden\): must be at least 32 characters/,
    );
    expect(() => parseConfig({ AC_METRICS_TOKEN: `${token} ${token}` })).toThrow(/printable ASCII without spaces/);
  });
});
