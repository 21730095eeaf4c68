// tools/trpc-links.ts sends AC's API token to AC only: a redirect to another origin (a hostile
// or misconfigured proxy in front of AC) must not receive `Authorization: Bearer ac_…`, neither
// on a subscription's EventSource nor on a query. Two real HTTP servers on free ports: "ac"
// redirects every request to "elsewhere", which records what it was sent.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { createTRPCClient } from "@trpc/client";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { AppRouter } from "@/server/trpc/root";
import { acLinks } from "@/tools/trpc-links";

const TOKEN = "ac_SECRET-token-for-the-redirect-test";
const seenByAc: IncomingHttpHeaders[] = [];
const seenElsewhere: IncomingHttpHeaders[] = [];
let ac: Server;
let elsewhere: Server;
let acUrl: string;

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
};

beforeAll(async () => {
  elsewhere = createServer((req, res) => {
    seenElsewhere.push(req.headers);
    res.writeHead(404).end();
  });
  const elsewhereUrl = await listen(elsewhere);
  ac = createServer((req, res) => {
    seenByAc.push(req.headers);
    res.writeHead(307, { location: `${elsewhereUrl}${req.url}` }).end();
  });
  acUrl = await listen(ac);
});

afterAll(async () => {
  for (const server of [ac, elsewhere]) {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  }
});

const until = async (what: string, check: () => boolean) => {
  const deadline = Date.now() + 60_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

it("a subscription's token goes to AC's origin, not to where AC redirects", async () => {
  const client = createTRPCClient<AppRouter>({ links: acLinks(acUrl, TOKEN) });
  const sub = client.live.changes.subscribe({ kinds: ["inventory"] }, { onError: () => undefined });
  await until("the redirected request", () => seenElsewhere.length > 0);
  sub.unsubscribe();
  expect(seenByAc[0]?.authorization).toBe(`Bearer ${TOKEN}`);
  expect(seenElsewhere.map((headers) => headers.authorization)).toEqual(seenElsewhere.map(() => undefined));
});

it("a query's token goes to AC's origin, not to where AC redirects", async () => {
  seenByAc.length = 0;
  seenElsewhere.length = 0;
  const client = createTRPCClient<AppRouter>({ links: acLinks(acUrl, TOKEN) });
  await expect(client.tasks.list.query({})).rejects.toThrow();
  expect(seenByAc[0]?.authorization).toBe(`Bearer ${TOKEN}`);
  expect(seenElsewhere.length).toBeGreaterThan(0);
  expect(seenElsewhere.map((headers) => headers.authorization)).toEqual(seenElsewhere.map(() => undefined));
});
