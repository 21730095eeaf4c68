import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/server/config";

describe("configuration", () => {
  it("has the seeds' defaults", () => {
    expect(parseConfig({})).toMatchObject({
      POLLING_INTERVAL: 60, CONNECTION_TIMEOUT: 5, DEFAULT_UPDATE_PLAYBOOK: "/etc/ansible/update-app.yml",
      CLEAN_EVENTS_OLDER_THAN: 30, CLEAN_TASKS_OLDER_THAN: 30, HAPROXY_ENABLED: true, HAPROXY_POLLING_INTERVAL: 60,
      HAPROXY_CACHE_TTL: 30, HAPROXY_REQUEST_TIMEOUT: 10, HAPROXY_MAX_RETRIES: 3, HAPROXY_CIRCUIT_BREAKER_THRESHOLD: 5,
      HAPROXY_CIRCUIT_BREAKER_TIMEOUT: 300,
    });
  });

  it("reads numbers and booleans from strings", () => {
    expect(parseConfig({ POLLING_INTERVAL: "15", HAPROXY_ENABLED: "false" })).toMatchObject({ POLLING_INTERVAL: 15, HAPROXY_ENABLED: false });
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
});
