// Password guessing against the login: the client address comes from the socket (or a trusted
// proxy), never from a header the caller writes; attempts count before the password is checked;
// every AC process on one database shares the counts; an attacker cannot lock the owner out.
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authOptions } from "@/server/auth/next-auth";
import { createLoginLimiter, loginLimits } from "@/server/auth/login-limiter";
import { trustedProxyMatcher } from "@/server/http/client-address";
import { createAcHttpServer } from "@/server/http/web-server";
import { createUser } from "@/server/users/users";

type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, unknown> }) => Promise<unknown>;
const authorize = (authOptions.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;

/** AC's web server in front of next-auth's authorize(), as the route handler calls it. */
async function loginServer(trustedProxies: string[]) {
  const server = createAcHttpServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const credentials = JSON.parse(body) as Record<string, string>;
    const outcome = await authorize(credentials, { headers: { ...req.headers } }).then(
      (user) => (user ? "ok" : "wrong"),
      (error: Error) => error.message,
    );
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ outcome }));
  }, trustedProxyMatcher(trustedProxies));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const post = async (login: string, password: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { method: "POST", headers, body: JSON.stringify({ login, password }) });
    return ((await response.json()) as { outcome: string }).outcome;
  };
  return { post, close: () => new Promise((resolve) => server.close(resolve)) };
}

const pools: pg.Pool[] = [];
const newPool = () => {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
  // The file's database is dropped at its end: an idle connection terminated then is no test failure.
  pool.on("error", () => undefined);
  pools.push(pool);
  return pool;
};
afterAll(() => Promise.all(pools.map((p) => p.end())));

beforeAll(async () => {
  for (const login of ["target", "sprayed", "parallel", "shared", "owner"]) {
    await createUser({ login, password: `${login}-password-1`, role: "admin" });
  }
});

// Each case runs several bcrypt checks (cost 12), slow on a busy machine.
describe("login limits over HTTP", { timeout: 120_000 }, () => {
  it("limits 15 wrong passwords from one address, each sent with a new X-Forwarded-For", async () => {
    const server = await loginServer([]);
    try {
      const outcomes: string[] = [];
      for (let i = 1; i <= 15; i++)
        outcomes.push(await server.post("target", "wrong-password", { "x-forwarded-for": `198.51.100.${i}` }));
      expect(outcomes.slice(0, loginLimits.perAccountAndAddress.points)).toEqual(Array(5).fill("wrong"));
      expect(outcomes.slice(5).every((o) => o.startsWith("Too many failed attempts"))).toBe(true);
      // Limited means not checked at all: the right password is refused too, from that address.
      expect(await server.post("target", "target-password-1", { "x-forwarded-for": "198.51.100.200" })).toMatch(
        /^Too many/,
      );
    } finally {
      await server.close();
    }
  });

  it("believes X-Forwarded-For only from a trusted proxy, and only its last untrusted hop", async () => {
    // 127.0.0.1 plays the TLS proxy; the forged left-most entries are what a client sent it.
    const server = await loginServer(["127.0.0.1"]);
    try {
      for (let i = 1; i <= 6; i++) {
        const outcome = await server.post("sprayed", "wrong-password", {
          "x-forwarded-for": `10.9.9.${i}, 203.0.113.7`,
        });
        expect(outcome).toEqual(i <= 5 ? "wrong" : expect.stringMatching(/^Too many/));
      }
      // Another client behind the same proxy is a different address: it logs in.
      expect(await server.post("sprayed", "sprayed-password-1", { "x-forwarded-for": "203.0.113.8" })).toBe("ok");
    } finally {
      await server.close();
    }
  });
});

describe("login limiter", () => {
  const noSleep = async () => {};

  it("takes the point before the password check, so parallel attempts cannot all pass", async () => {
    const limiter = createLoginLimiter(newPool(), { sleep: noSleep });
    let checks = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        limiter.attempt("parallel", "192.0.2.10", async () => {
          checks++;
          return null;
        }),
      ),
    );
    expect(checks).toBeLessThanOrEqual(loginLimits.perAccountAndAddress.points);
    expect(results.filter((r) => r.kind === "limited").length).toBeGreaterThanOrEqual(
      20 - loginLimits.perAccountAndAddress.points,
    );
  });

  it("shares its counts between two AC processes on one database", async () => {
    const first = createLoginLimiter(newPool(), { sleep: noSleep });
    const second = createLoginLimiter(newPool(), { sleep: noSleep });
    const fail = async () => null;
    for (let i = 0; i < 3; i++) expect((await first.attempt("shared", "192.0.2.20", fail)).kind).toBe("checked");
    for (let i = 0; i < 2; i++) expect((await second.attempt("shared", "192.0.2.20", fail)).kind).toBe("checked");
    expect((await first.attempt("shared", "192.0.2.20", fail)).kind).toBe("limited");
  });

  it("slows an account attacked from many addresses down but lets its owner in from another address", async () => {
    const delays: number[] = [];
    const limiter = createLoginLimiter(newPool(), { sleep: async (ms) => void delays.push(ms) });
    const fail = async () => null;
    for (let a = 1; a <= 4; a++) for (let i = 0; i < 5; i++) await limiter.attempt("owner", `192.0.2.${100 + a}`, fail);
    const owner = await limiter.attempt("owner", "192.0.2.200", async () => ({ id: 1 }));
    expect(owner).toMatchObject({ kind: "checked", user: { id: 1 } });
    expect(owner.kind === "checked" && owner.delayedSeconds).toBeGreaterThan(0);
    expect(delays.length).toBeGreaterThan(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(loginLimits.maxDelaySeconds * 1000);
  });

  it("limits one address over all accounts (password spraying)", async () => {
    const limiter = createLoginLimiter(newPool(), { sleep: noSleep });
    const fail = async () => null;
    for (let i = 0; i < loginLimits.perAddress.points; i++) {
      expect((await limiter.attempt(`spray-${i}`, "192.0.2.30", fail)).kind).toBe("checked");
    }
    expect((await limiter.attempt("spray-new", "192.0.2.30", fail)).kind).toBe("limited");
    expect((await limiter.attempt("spray-new", "192.0.2.31", fail)).kind).toBe("checked");
  });

  it("gives the points back after a success", async () => {
    const limiter = createLoginLimiter(newPool(), { sleep: noSleep });
    for (let i = 0; i < 4; i++) await limiter.attempt("forgetful", "192.0.2.40", async () => null);
    await limiter.attempt("forgetful", "192.0.2.40", async () => ({ id: 2 }));
    for (let i = 0; i < 4; i++)
      expect((await limiter.attempt("forgetful", "192.0.2.40", async () => null)).kind).toBe("checked");
  });
});
