// The Eureka client against servers that misbehave, over real HTTP on loopback: a redirect is not
// followed (the host it names hears nothing), a huge reply is refused, a slow one times out, the
// registry's odd JSON (one instance as an object) is read, an ambiguous or missing match fails
// rather than guess, and Basic credentials are sent but never appear in an error.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appInstances, removeOverride, takeOutOfService } from "@/server/eureka/client";
import { findInstanceId } from "@/server/eureka/registry";
import { parseEurekaBases } from "@/server/eureka/urls";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let handler: Handler = (_req, res) => res.end();
const heard: string[] = [];
const outsiderHeard: string[] = [];
let server: http.Server;
let outsider: http.Server;
const listen = async (s: http.Server) => {
  await new Promise<void>((resolve) => s.listen({ host: "127.0.0.1", port: 0 }, resolve));
  return (s.address() as AddressInfo).port;
};
let base: ReturnType<typeof parseEurekaBases>[number];
let outsiderPort: number;
const options = { timeoutMs: 2000, username: "ac", password: "pa55-w0rd-secret" };
const app = (instance: unknown) => JSON.stringify({ application: { name: "SHOP", instance } });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    heard.push(`${req.method} ${req.url} ${req.headers.authorization ?? "-"}`);
    handler(req, res);
  });
  outsider = http.createServer((req, res) => {
    outsiderHeard.push(`${req.method} ${req.url}`);
    res.end("{}");
  });
  base = parseEurekaBases(`http://127.0.0.1:${await listen(server)}/eureka/`)[0]!;
  outsiderPort = await listen(outsider);
});
afterAll(async () => {
  server.closeAllConnections();
  outsider.closeAllConnections();
  await Promise.all([server, outsider].map((s) => new Promise((resolve) => s.close(resolve))));
});

describe("the Eureka client", () => {
  it("reads one instance given as an object, with the port as Eureka writes it, and sends Basic credentials", async () => {
    handler = (_req, res) =>
      res.end(app({ instanceId: "web-1:shop:8081", ipAddr: "10.0.0.5", port: { $: 8081, "@enabled": "true" } }));
    expect(await appInstances(base, "SHOP", options)).toEqual([
      { id: "web-1:shop:8081", ipAddr: "10.0.0.5", port: 8081, status: null },
    ]);
    expect(heard.at(-1)).toBe(`GET /eureka/apps/SHOP Basic ${Buffer.from("ac:pa55-w0rd-secret").toString("base64")}`);
  });

  it("refuses a field longer than an address, so a registry cannot put megabytes into a step's stored error", async () => {
    const long = "9".repeat(200_000);
    handler = (_req, res) => res.end(app([{ instanceId: "web-1:shop:8081", ipAddr: long, port: 8081 }]));
    const error = await appInstances(base, "SHOP", options).then(
      () => expect.fail("a 200 KB ipAddr was accepted"),
      (e: Error) => e,
    );
    expect(error.message).toMatch(/not an application with instances \(application\.instance\.0\.ipAddr: /);
    expect(error.message.length).toBeLessThan(400);
  });

  it("does not follow a redirect: the host it names hears nothing", async () => {
    handler = (_req, res) =>
      res.writeHead(307, { location: `http://127.0.0.1:${outsiderPort}/eureka/apps/SHOP/x/status` }).end();
    await expect(takeOutOfService(base, "SHOP", "web-1:shop:8081", options)).rejects.toThrow(/answered HTTP 307/);
    await expect(appInstances(base, "SHOP", options)).rejects.toThrow(/answered HTTP 307/);
    expect(outsiderHeard).toEqual([]);
  });

  it("refuses a reply over 4 MB and gives up on a server that does not answer in time", async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      for (let i = 0; i < 5; i++) res.write(chunk);
      res.end();
    };
    await expect(appInstances(base, "SHOP", options)).rejects.toThrow(/reply larger than 4 MB refused/);
    handler = () => undefined; // never answers
    await expect(removeOverride(base, "SHOP", "web-1:shop:8081", { timeoutMs: 300 })).rejects.toThrow(
      /no answer within 0.3 s/,
    );
  });

  it("fails, naming what the registry lists, when no instance or several match; errors never show the password", async () => {
    const at = { address: "10.0.0.5", port: 8081 };
    handler = (_req, res) => res.end(app([{ instanceId: "a", ipAddr: "10.0.0.6", port: { $: 8081 } }]));
    await expect(findInstanceId(base, "SHOP", at, options)).rejects.toThrow(
      /SHOP in http:\/\/127\.0\.0\.1:\d+\/eureka has no instance at 10\.0\.0\.5:8081 \(it lists 1: 10\.0\.0\.6:8081\)/,
    );
    handler = (_req, res) =>
      res.end(
        app([
          { instanceId: "a", ipAddr: "10.0.0.5", port: { $: 8081 } },
          { instanceId: "b", ipAddr: "10.0.0.5", port: { $: 8081 } },
        ]),
      );
    await expect(findInstanceId(base, "SHOP", at, options)).rejects.toThrow(/lists 2 instances .*unclear/);
    // An id the registry hands back that could not be one path segment is refused before any call.
    handler = (_req, res) => res.end(app({ instanceId: "../../admin", ipAddr: "10.0.0.5", port: 8081 }));
    await expect(findInstanceId(base, "SHOP", at, options)).rejects.toThrow(/cannot be sent/);
    handler = (_req, res) => res.writeHead(401).end("bad credentials");
    const error = await takeOutOfService(base, "SHOP", "a", options).catch((e: Error) => e);
    expect(String(error)).toMatch(/HTTP 401 \(check AC_EUREKA_USERNAME/);
    expect(String(error)).not.toContain("pa55-w0rd-secret");
  });
});
