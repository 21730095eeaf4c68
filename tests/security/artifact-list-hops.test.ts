// The artifact list is read by AC on a viewer's request: every hop (redirects, a registry's
// `Link: next`) must stay on the configured URL's origin, and a read is bounded in pages and
// bytes (docs/security.md, "Artifact lists"). Loopback servers play the list and the victim.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fetchVersionList } from "@/server/artifacts/fetch-list";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, base: string) => void;
type Loopback = { url: string; hits: string[]; handle: (h: Handler) => void; stop: () => Promise<void> };

async function loopback(host: string): Promise<Loopback> {
  const hits: string[] = [];
  let handler: Handler = (_req, res) => res.writeHead(404).end();
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? "/");
    handler(req, res, url);
  });
  await new Promise<void>((resolve) => server.listen({ host, port: 0 }, resolve));
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    hits,
    handle: (h) => void (handler = h),
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

let list: Loopback; // the configured list server
let victim: Loopback; // another host of the network
let victimPort: Loopback; // another port of the same host
const read = (url: string, maxBytes?: number) => fetchVersionList(url, { extension: null, timeoutMs: 5000, maxBytes });
const json = (res: http.ServerResponse, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(200, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));

beforeAll(async () => {
  list = await loopback("127.0.67.1");
  victim = await loopback("127.0.67.2");
  victimPort = await loopback("127.0.67.1");
  victim.handle((_req, res) => json(res, ["6.6.6"]));
  victimPort.handle((_req, res) => json(res, { tags: ["6.6.6"] }));
});
afterAll(async () => {
  await Promise.all([list.stop(), victim.stop(), victimPort.stop()]);
});
beforeEach(() => {
  for (const server of [list, victim, victimPort]) server.hits.length = 0;
});

describe("artifact list hops stay on the configured origin", () => {
  it("follows a redirect within the origin", async () => {
    list.handle((req, res) =>
      req.url === "/old" ? res.writeHead(301, { location: "/new" }).end() : json(res, ["1.0.0", "1.1.0"]),
    );
    expect((await read(`${list.url}/old`)).versions).toEqual(["1.1.0", "1.0.0"]);
  });

  it.each([
    ["another loopback host", () => `${victim.url}/x`, () => victim],
    ["another port of the same host", () => `${victimPort.url}/x`, () => victimPort],
  ])("refuses a redirect to %s, and never contacts it", async (_what, target, hit) => {
    list.handle((_req, res) => res.writeHead(302, { location: target() }).end());
    await expect(read(`${list.url}/list.json`)).rejects.toThrow(
      /redirects to http:\/\/127\.0\.67\.\d:\d+: AC follows only http:\/\/127\.0\.67\.1:\d+/,
    );
    expect(hit().hits).toEqual([]);
  });

  it("refuses a scheme change (https list redirected to http, or here http to https)", async () => {
    const https = list.url.replace("http:", "https:");
    list.handle((_req, res) => res.writeHead(307, { location: `${https}/x` }).end());
    await expect(read(`${list.url}/list.json`)).rejects.toThrow(/AC follows only http:\/\/127\.0\.67\.1/);
  });

  it("refuses a Link: next to another origin, and never contacts it", async () => {
    list.handle((_req, res) =>
      json(res, { tags: ["1.0.0"] }, { link: `<${victimPort.url}/v2/x/tags/list?last=1>; rel="next"` }),
    );
    await expect(read(`${list.url}/v2/x/tags/list`)).rejects.toThrow(
      /links its next page to http:\/\/127\.0\.67\.1:\d+: AC follows only/,
    );
    expect(victimPort.hits).toEqual([]);
  });

  it("stops after a bounded number of redirects", async () => {
    list.handle((req, res) => res.writeHead(302, { location: `${req.url}x` }).end());
    await expect(read(`${list.url}/loop`)).rejects.toThrow(/more than 3 redirects/);
    expect(list.hits.length).toBe(4);
  });

  it("bounds the pages of a paginated list (20) and the bytes of all pages together", async () => {
    list.handle((req, res) => {
      const n = Number(new URL(req.url!, list.url).searchParams.get("page") ?? 0);
      json(res, { tags: [`1.0.${n}`] }, { link: `</v2/x/tags/list?page=${n + 1}>; rel="next"` });
    });
    expect((await read(`${list.url}/v2/x/tags/list`)).versions).toHaveLength(20);
    expect(list.hits.length).toBe(20);

    list.handle((req, res) => {
      const n = Number(new URL(req.url!, list.url).searchParams.get("page") ?? 0);
      json(
        res,
        { tags: Array.from({ length: 100 }, (_, i) => `${n}.0.${i}`) },
        { link: `</v2/x/tags/list?page=${n + 1}>; rel="next"` },
      );
    });
    // One page is about 1 KB: each page alone fits the 4 KB limit, all of them together do not.
    await expect(read(`${list.url}/v2/x/tags/list`, 4096)).rejects.toThrow(/list larger than 4 KiB refused/);
  });
});
