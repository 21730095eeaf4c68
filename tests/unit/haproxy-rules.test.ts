// The HAProxy module's pure rules: the agent contract, selective polling filters, and how an
// HAProxy server's address is matched to an AC server and an application instance.
import { describe, expect, it } from "vitest";
import { AgentReplyError } from "@/server/agent/contract";
import { AgentRefusal, parseBackendsReply, parseServersReply } from "@/server/agent/haproxy-contract";
import { backendFilterInput, backendMatcher } from "@/server/haproxy/backend-filter";
import { nameVariants, resolveMapping, splitAddress, type MappingInstance } from "@/server/haproxy/mapping-rules";

describe("HAProxy agent contract", () => {
  it("reads backends and servers; empty and missing numbers are null; unknown statuses are kept verbatim", () => {
    expect(parseBackendsReply({ success: true, backends: ["b1", "b2"] })).toEqual(["b1", "b2"]);
    expect(
      parseServersReply({
        success: true,
        servers: [
          {
            name: "s1",
            address: "10.0.0.1:8080",
            status: "UP 1/3",
            weight: 100,
            current_sessions: 5,
            max_sessions: "",
          },
        ],
      }),
    ).toEqual([
      { name: "s1", address: "10.0.0.1:8080", status: "UP 1/3", weight: 100, currentSessions: 5, maxSessions: null },
    ]);
  });

  it("success: false is the agent's refusal with its message; a wrong shape is a broken reply", () => {
    expect(() => parseBackendsReply({ success: false, error: "no such instance" })).toThrow(
      new AgentRefusal("no such instance"),
    );
    expect(() => parseServersReply({ success: true, servers: [{ address: "x" }] })).toThrow(AgentReplyError);
    expect(() => parseServersReply({ success: true, servers: [{ name: "a" }, { name: "a" }] })).toThrow(/listed twice/);
    expect(() => parseBackendsReply({ backends: [] })).toThrow(/success/);
  });
});

describe("selective polling filter", () => {
  it("empty selects everything; names match exactly; /regex/ and /regex/i match by pattern", () => {
    expect(backendMatcher([])("anything")).toBe(true);
    const m = backendMatcher(["be_web", "/^api_/", "/ADMIN$/i"]);
    expect(["be_web", "be_web2", "api_v1", "x_api_v1", "site_admin"].filter(m)).toEqual([
      "be_web",
      "api_v1",
      "site_admin",
    ]);
  });

  it("refuses an invalid regular expression with a message naming it", () => {
    const parsed = backendFilterInput.safeParse(["/([a-z/"]);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/\/\(\[a-z\/ is not a valid regular expression/);
  });
});

describe("address matching", () => {
  it.each([
    ["10.0.0.1:8080", { host: "10.0.0.1", port: 8080 }],
    ["web1.dc1.example:80", { host: "web1.dc1.example", port: 80 }],
    ["[fe80::1]:443", { host: "fe80::1", port: 443 }],
    ["::1", { host: "::1", port: null }],
    ["web1", { host: "web1", port: null }],
    ["unix@/run/app.sock", null],
    ["", null],
  ])("splits %s", (address, expected) => expect(splitAddress(address)).toEqual(expected));

  it("derives group-like names from backend and server names", () => {
    expect([...nameVariants("be_web", "web-2")].sort()).toEqual(["be_web", "web", "web-2"]);
    expect([...nameVariants("shop_backend", "shop1")].sort()).toEqual(["shop", "shop1", "shop_backend"]);
  });
});

describe("resolveMapping", () => {
  const servers = [
    { id: 1, name: "web-1", ip: "10.0.0.1" },
    { id: 2, name: "web-2", ip: "10.0.0.2" },
    { id: 3, name: "twin-a", ip: "10.0.0.9" },
    { id: 4, name: "twin-b", ip: "10.0.0.9" },
  ];
  const inst = (
    id: number,
    serverId: number,
    instanceName: string,
    port: number | null,
    groupName: string | null,
  ): MappingInstance => ({ id, serverId, instanceName, port, groupName });
  const instances = [
    inst(11, 1, "shop_1", 8080, "shop"),
    inst(12, 1, "cart_1", 8081, "cart"),
    inst(21, 2, "shop_1", 9000, "shop"),
    inst(22, 2, "shop_2", 9000, "shop"),
    inst(23, 2, "api_1", 9000, "api"),
    inst(24, 2, "cart_1", 9100, "cart"),
    inst(25, 2, "cart_2", 9101, "cart"),
  ];
  const of = (serverId: number) => instances.filter((i) => i.serverId === serverId);
  const map = (address: string | null, backendName = "be_x", serverName = "s1") =>
    resolveMapping({ address, backendName, serverName }, servers, of);

  it("maps by IP and port", () => expect(map("10.0.0.1:8080")).toEqual({ instanceId: 11, note: "web-1 port 8080" }));
  it("maps by host name up to the first dot, case aside", () =>
    expect(map("WEB-1.dc1.local:8081")).toMatchObject({ instanceId: 12 }));
  it("falls back to the group named like the backend when no instance listens on the port", () =>
    expect(map("10.0.0.1:7777", "be_shop")).toEqual({ instanceId: 11, note: "web-1, group shop" }));
  it("narrows several instances on one port by group name", () =>
    expect(map("10.0.0.2:9000", "api_backend")).toMatchObject({ instanceId: 23 }));
  it("leaves several instances on one port unmapped when the names do not decide", () =>
    expect(map("10.0.0.2:9000", "be_shop")).toEqual({
      instanceId: null,
      note: "ambiguous: 3 instances on web-2 listen on port 9000 (api_1, shop_1, shop_2)",
    }));
  it("leaves an address two AC servers share unmapped", () =>
    expect(map("10.0.0.9:80")).toEqual({
      instanceId: null,
      note: "ambiguous: 10.0.0.9 matches servers twin-a, twin-b",
    }));
  it("leaves an unknown host unmapped", () =>
    expect(map("10.9.9.9:80")).toEqual({ instanceId: null, note: "no AC server named or addressed 10.9.9.9" }));
  it("leaves a group name two instances share unmapped", () =>
    expect(map("web-2:1", "be_cart").note).toMatch(/^ambiguous: 2 instances on web-2 in a group/));
  it("says what it tried when nothing matches", () =>
    expect(map("10.0.0.1:1", "be_x", "s1").note).toBe(
      "no instance on web-1 listens on port 1 or belongs to a group named like be_x or s1",
    ));
});
