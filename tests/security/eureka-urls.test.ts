// The eureka_url an agent reports is hostile: it may only select one of the Eureka servers admins
// listed in AC_EUREKA_URLS, and the request then goes to the configured URL, never to the agent's
// text; app names and instance ids are one escaped path segment each (docs/update-tasks.md, "Eureka").
import { describe, expect, it } from "vitest";
import { parseConfig, reloadConfig } from "@/server/config";
import { chooseBase, eurekaUrl, idSegment, parseEurekaBases } from "@/server/eureka/urls";
import { redact } from "@/server/security/redact";

const bases = parseEurekaBases("http://eureka.internal:8761/eureka/, https://eureka-2.internal/eureka/v2");
const chosen = (reported: string | null) => {
  const choice = chooseBase(reported, bases);
  return choice.ok ? choice.base.url : null;
};

describe("an agent's eureka_url selects a configured server or nothing", () => {
  it.each([
    ["http://eureka.internal:8761/eureka/", "http://eureka.internal:8761/eureka"],
    ["http://eureka.internal:8761/eureka", "http://eureka.internal:8761/eureka"],
    ["HTTP://EUREKA.internal:8761/eureka//", "http://eureka.internal:8761/eureka"],
    // Spring's defaultZone with credentials: they are ignored (AC sends its own), the server matches.
    ["http://user:pass@eureka.internal:8761/eureka/", "http://eureka.internal:8761/eureka"],
    // A defaultZone listing peers: the first allowed one.
    ["http://peer-1:8761/eureka/,http://eureka.internal:8761/eureka/", "http://eureka.internal:8761/eureka"],
    ["https://eureka-2.internal:443/eureka/v2/", "https://eureka-2.internal/eureka/v2"],
  ])("%s → %s", (reported, expected) => expect(chosen(reported)).toBe(expected));

  it.each([
    // Another host, port or scheme.
    "http://evil.example:8761/eureka/",
    "http://eureka.internal:8762/eureka/",
    "https://eureka.internal:8761/eureka/",
    "http://eureka.internal.evil.example:8761/eureka/",
    // Userinfo that looks like the allowed host: the host is the part after "@".
    "http://eureka.internal:8761@evil.example/eureka/",
    "http://eureka.internal:8761/eureka/@evil.example",
    // Another path on the allowed origin, also through dot segments and encoded slashes.
    "http://eureka.internal:8761/",
    "http://eureka.internal:8761/eureka/../admin/",
    "http://eureka.internal:8761/eureka/%2e%2e/admin",
    "http://eureka.internal:8761/eureka%2F..%2Fadmin",
    "http://eureka.internal:8761/eureka/apps/X/Y/status",
    "http://eureka.internal:8761/eurekax",
    // Not http(s), not a URL, nothing.
    "file:///etc/passwd",
    "gopher://eureka.internal:8761/eureka/",
    "eureka.internal:8761/eureka/",
    "",
    null,
  ])("%s → refused", (reported) => expect(chosen(reported)).toBeNull());

  it("refuses an overlong report without parsing it, and names it shortened and without its password", () => {
    const long = `http://eureka.internal:8761/eureka/${"a".repeat(10_000)}`;
    const choice = chooseBase(long, bases);
    expect(choice).toMatchObject({ ok: false, reason: expect.stringMatching(/^eureka_url too long/) });
    expect(JSON.stringify(choice).length).toBeLessThan(400);
    const withPassword = chooseBase("http://u:hunter2secret@evil.example/eureka/", bases);
    expect(JSON.stringify(withPassword)).not.toContain("hunter2secret");
  });

  it.each([
    [
      "three peers, the cut falling inside the last password",
      `http://svc:K7pq2Zr9xW4mT8vB3nL6@eureka-peer-1.prod.dc1.corp.example.com:8761/eureka/,http://svc:K7pq2Zr9xW4mT8vB3nL6@eureka-peer-2.prod.dc1.corp.example.com:8761/eureka/,http://svc:K7pq2Zr9xW4mT8vB3nL6@eureka-peer-3.prod.dc1.corp.example.com:8761/eureka/`,
    ],
    ["a password longer than the shown text", `http://svc:K7pq2Z${"x".repeat(250)}@eureka.example/eureka/`],
    [
      "a password longer than the redaction pattern reaches",
      `http://svc:K7pq2Z${"x".repeat(2000)}@eureka.example/eureka/`,
    ],
    ["an unparseable entry with a password", `http://svc:K7pq2Z@[bad/eureka/`],
  ])("never shows a password of the report in its reason: %s", (_case, reported) => {
    for (const configured of [[], bases]) {
      const choice = chooseBase(reported, configured);
      expect(choice.ok).toBe(false);
      expect(JSON.stringify(choice)).not.toContain("K7pq2Z");
      expect(JSON.stringify(choice).length).toBeLessThan(400);
    }
  });

  it("looks at no more than 8 entries of a comma-separated list", () => {
    const many = [...Array(8).fill("http://evil.example/eureka/"), "http://eureka.internal:8761/eureka/"].join(",");
    expect(chosen(many)).toBeNull();
  });

  it("allows nothing when AC_EUREKA_URLS is empty", () => {
    expect(chooseBase("http://eureka.internal:8761/eureka/", [])).toMatchObject({
      ok: false,
      reason: expect.stringContaining("not in AC_EUREKA_URLS"),
    });
  });
});

describe("app names and instance ids are one escaped path segment", () => {
  const base = bases[0]!;
  it("builds the REST operations' URLs on the configured base", () => {
    expect(eurekaUrl(base, "JURWS", "web-1:jurws:8080", "OUT_OF_SERVICE")).toBe(
      "http://eureka.internal:8761/eureka/apps/JURWS/web-1%3Ajurws%3A8080/status?value=OUT_OF_SERVICE",
    );
    expect(eurekaUrl(base, "ОТЧЁТЫ")).toBe(`http://eureka.internal:8761/eureka/apps/${encodeURIComponent("ОТЧЁТЫ")}`);
  });

  it.each(["..", ".", "a/b", "../../admin", "a%2Fb", "a?b", "a#b", "a b", "a\nb", "", "x".repeat(257)])(
    "refuses %j",
    (id) => {
      expect(idSegment(id)).toBeNull();
      expect(() => eurekaUrl(base, "JURWS", id)).toThrow(/cannot be a Eureka instance id/);
      expect(() => eurekaUrl(base, id)).toThrow(/cannot be a Eureka app name/);
    },
  );
});

describe("AC_EUREKA_URLS", () => {
  const env = (value: Record<string, string>) => () => parseConfig({ ...value });
  it("takes http(s) base URLs and refuses credentials, queries and other schemes", () => {
    expect(parseConfig({ AC_EUREKA_URLS: "http://e1:8761/eureka/,http://e2:8761/eureka" }).AC_EUREKA_URLS).toEqual([
      { url: "http://e1:8761/eureka", origin: "http://e1:8761", path: "/eureka" },
      { url: "http://e2:8761/eureka", origin: "http://e2:8761", path: "/eureka" },
    ]);
    expect(env({ AC_EUREKA_URLS: "http://u:secretpw@e1/eureka" })).toThrow(/AC_EUREKA_PASSWORD, not in the URL/);
    expect(env({ AC_EUREKA_URLS: "http://u:secretpw@e1/eureka" })).not.toThrow(/secretpw/);
    expect(env({ AC_EUREKA_URLS: "http://e1/eureka?x=1" })).toThrow(/no query or fragment/);
    expect(env({ AC_EUREKA_URLS: "ftp://e1/eureka" })).toThrow(/not an http:\/\/ or https:\/\/ URL/);
  });
  it("keeps the password from playbooks and redacts it by value", () => {
    expect(env({ PLAYBOOK_ENV: "AC_EUREKA_PASSWORD" })).toThrow(/AC's own secret/);
    Object.assign(process.env, { AC_EUREKA_USERNAME: "ac", AC_EUREKA_PASSWORD: "pa55-w0rd-secret" });
    try {
      reloadConfig();
      expect(redact("Eureka said: no pa55-w0rd-secret here")).toBe("Eureka said: no [redacted] here");
    } finally {
      delete process.env.AC_EUREKA_USERNAME;
      delete process.env.AC_EUREKA_PASSWORD;
      reloadConfig();
    }
  });
  it("needs both Basic credentials or neither, and never shows the password", () => {
    expect(env({ AC_EUREKA_USERNAME: "ac" })).toThrow(/AC_EUREKA_PASSWORD.*required/);
    const refused = (() => {
      try {
        parseConfig({ AC_EUREKA_PASSWORD: "very-secret-value", AC_EUREKA_TIMEOUT: "0" });
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(refused).toMatch(/AC_EUREKA_USERNAME/);
    expect(refused).not.toContain("very-secret-value");
  });
});
