// Notifications to real receivers on loopback (docs/alerts.md, "Channels", "Delivery"): a webhook
// receiver checking the HMAC signature, one failing for a while then recovering (everything arrives
// once, in order per alert, through the pg-boss workers), two drains at once (two replicas),
// Telegram's and Slack's request shapes, and a real SMTP server with STARTTLS on a certificate
// made here. Receivers listen on free ports of 127.0.0.1, started once for the file.
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import PgBoss from "pg-boss";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";

process.env.ALERT_DELIVERY_RETRY_DELAY = "1"; // before server/config.ts reads the environment

const { DELIVERY_QUEUE, drainChannel, startDeliveryWorkers } = await import("@/server/alerts/delivery");
const { evaluateAlerts } = await import("@/server/alerts/evaluate");
const { db } = await import("@/server/db");
const { stopBoss } = await import("@/server/jobs/boss");
const { resetDatabase } = await import("../setup/db-helpers");
const { callers, makeServer } = await import("./inventory-fixtures");

type Received = { path: string; headers: http.IncomingHttpHeaders; body: string };
const received: Received[] = [];
/** Answers 503 to this many requests before it accepts again. */
let failNext = 0;
/** A slow receiver keeps a drain busy, so other workers try the same channel meanwhile. */
let answerAfterMs = 0;
let receiver: http.Server;
let base = "";

async function listen(server: http.Server | SMTPServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const net = server instanceof SMTPServer ? (server as unknown as { server: http.Server }).server : server;
  return (net.address() as AddressInfo).port;
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.url?.startsWith("/echo")) {
        res.writeHead(500).end(`no route for ${req.url}`); // a receiver that repeats the URL, token and all
        return;
      }
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end("receiver down for maintenance");
        return;
      }
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'), answerAfterMs);
    });
  });
  base = `http://127.0.0.1:${await listen(receiver)}`;
});

afterAll(async () => {
  await stopBoss();
  await new Promise((r) => receiver.close(r));
});

let admin: Awaited<ReturnType<typeof callers>>["admin"];
beforeEach(async () => {
  await resetDatabase();
  admin = (await callers()).admin;
  received.length = 0;
  failNext = 0;
  answerAfterMs = 0;
});

const offlineRule = () =>
  db().alertRule.create({ data: { name: "offline", kind: "server_offline", forSeconds: 0, severity: "critical" } });
/** Evaluation times near the real clock: messages older than ALERT_DELIVERY_MAX_AGE would be given up. */
const started = Date.now();
const t = (s: number) => new Date(started + s * 1000);
const deliveries = () => db().notificationDelivery.findMany({ orderBy: { id: "asc" }, include: { attemptLog: true } });
const bodies = () =>
  received.map((r) => JSON.parse(r.body) as { deliveryId: number; alerts: { id: number; state: string }[] });

describe("webhook", () => {
  it("posts the alerts as JSON with an HMAC-SHA256 signature over its timestamp and body, and the custom headers", async () => {
    await offlineRule();
    const { id } = await admin.alerts.createChannel({
      name: "hook",
      type: "webhook",
      settings: { url: `${base}/hook` },
      secrets: { hmacSecret: "s3cret-signing-key", headers: { Authorization: "Bearer receiver-token" } },
    });
    await makeServer("web-01", { status: "offline", lastError: "connection refused" });
    await evaluateAlerts(t(0));
    expect(await drainChannel(id)).toMatchObject({ sent: 1, failed: false });

    const [hit] = received;
    // The time is signed with the body: a captured request replayed later shows its age.
    const timestamp = String(hit!.headers["x-ac-timestamp"]);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(3600);
    const expected = `sha256=${createHmac("sha256", "s3cret-signing-key").update(`${timestamp}.${hit!.body}`).digest("hex")}`;
    expect(hit!.headers["x-ac-signature"]).toBe(expected);
    const bodyOnly = `sha256=${createHmac("sha256", "s3cret-signing-key").update(hit!.body).digest("hex")}`;
    expect(hit!.headers["x-ac-signature"]).not.toBe(bodyOnly);
    expect(hit!.headers.authorization).toBe("Bearer receiver-token");
    expect(JSON.parse(hit!.body)).toMatchObject({
      version: 1,
      kind: "alerts",
      firing: 1,
      alerts: [
        {
          state: "firing",
          rule: "offline",
          severity: "critical",
          subjectLabel: "server web-01",
          detail: "connection refused",
        },
      ],
    });
    const [channel] = await admin.alerts.channels();
    expect(channel).toMatchObject({ secretsSet: ["headers", "hmacSecret"], headerNames: ["Authorization"] });
    expect(JSON.stringify(channel)).not.toMatch(/s3cret|receiver-token/);
    expect((await deliveries())[0]).toMatchObject({
      status: "delivered",
      attempts: 1,
      attemptLog: [{ ok: true, code: 200 }],
    });
  });

  it("refuses URLs that are not http(s) and header names AC sets itself", async () => {
    const bad = (settings: Record<string, unknown>, secrets: Record<string, unknown> = {}) =>
      admin.alerts.createChannel({ name: "x", type: "webhook", settings, secrets });
    await expect(bad({ url: "file:///etc/passwd" })).rejects.toThrow(/http/);
    await expect(bad({ url: "gopher://127.0.0.1/" })).rejects.toThrow(/http/);
    await expect(bad({ url: `${base}/` }, { headers: { "X-AC-Signature": "forged" } })).rejects.toThrow(/set by AC/);
  });

  it("keeps a message for a receiver that fails, then delivers everything once, in order, through the workers", async () => {
    await offlineRule();
    await admin.alerts.createChannel({
      name: "flaky",
      type: "webhook",
      settings: { url: `${base}/hook` },
      repeatIntervalSeconds: 0,
    });
    failNext = 1_000_000; // down
    const a = await makeServer("a", { status: "offline" });
    await evaluateAlerts(t(0)); // a fires
    await db().server.update({ where: { id: a.id }, data: { status: "online" } });
    await makeServer("b", { status: "offline" });
    await evaluateAlerts(t(60)); // a resolves, b fires: one message
    await db().server.update({ where: { id: a.id }, data: { status: "offline" } });
    await evaluateAlerts(t(120)); // a fires again (a new alert)
    await startDeliveryWorkers();
    onTestFinished(() => stopBoss()); // the other tests drain by hand
    await waitFor(
      "a failed attempt",
      async () => (await db().notificationAttempt.count({ where: { ok: false } })) >= 2,
    );
    expect(received).toEqual([]);

    failNext = 0; // the receiver comes back
    await waitFor(
      "all three messages",
      async () => (await db().notificationDelivery.count({ where: { status: "delivered" } })) === 3,
    );
    const got = bodies();
    expect(got.map((b) => b.deliveryId)).toEqual((await deliveries()).map((d) => d.id)); // once each, in order
    expect(got.map((b) => b.alerts.map((x) => x.state).join("+"))).toEqual(["firing", "firing+resolved", "firing"]);
    const log = await deliveries();
    expect(log[0]!.attemptLog.filter((x) => !x.ok).length).toBeGreaterThanOrEqual(1);
    expect(log[0]!.attemptLog.find((x) => !x.ok)).toMatchObject({ code: 503, error: expect.stringMatching(/503/) });
  });

  it("sends each message once when two replicas drain the same channel at once", async () => {
    await offlineRule();
    const { id } = await admin.alerts.createChannel({ name: "twice", type: "webhook", settings: { url: `${base}/h` } });
    for (let i = 0; i < 5; i++) {
      await makeServer(`s${i}`, { status: "offline" });
      await evaluateAlerts(t(i));
    }
    await Promise.all([drainChannel(id), drainChannel(id), drainChannel(id)]);
    await waitFor(
      "five delivered",
      async () => (await db().notificationDelivery.count({ where: { status: "delivered" } })) === 5,
    );
    const ids = bodies().map((b) => b.deliveryId);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(5);
    expect(ids).toHaveLength(5);
  });
});

describe("two replicas", () => {
  it("send each message once, in order, when both replicas' workers work the queue", async () => {
    await offlineRule();
    const { id } = await admin.alerts.createChannel({ name: "both", type: "webhook", settings: { url: `${base}/r` } });
    answerAfterMs = 150;
    // The second replica: its own pg-boss instance on the same database, running the same drain.
    const replica = new PgBoss({ connectionString: process.env.DATABASE_URL!, schema: "pgboss", max: 2 });
    replica.on("error", () => undefined);
    await replica.start();
    onTestFinished(async () => {
      await replica.stop({ graceful: false, wait: true });
      await stopBoss();
    });
    await startDeliveryWorkers();
    for (let w = 0; w < 4; w++) {
      await replica.work<{ channelId: number }>(
        DELIVERY_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: 0.5 },
        async ([job]) => {
          if (job) await drainChannel(job.data.channelId);
        },
      );
    }
    for (let i = 0; i < 8; i++) {
      await makeServer(`r${i}`, { status: "offline" });
      await evaluateAlerts(t(i)); // each evaluation queues a message and wakes the channel
      await replica.send(DELIVERY_QUEUE, { channelId: id }); // and the other replica wakes it too
    }
    await waitFor(
      "eight delivered",
      async () => (await db().notificationDelivery.count({ where: { status: "delivered" } })) === 8,
    );
    const ids = bodies().map((b) => b.deliveryId);
    expect(ids).toEqual((await deliveries()).map((d) => d.id));
  });
});

describe("Telegram and Slack", () => {
  it("calls {base}/bot<token>/sendMessage with chat_id and text, and never logs the token", async () => {
    await offlineRule();
    const token = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345";
    const { id } = await admin.alerts.createChannel({
      name: "tg",
      type: "telegram",
      settings: { baseUrl: base, chatId: "-100200300" },
      secrets: { botToken: token },
    });
    await makeServer("db-01", { status: "offline" });
    await evaluateAlerts(t(0));
    await drainChannel(id);
    expect(received[0]!.path).toBe(`/bot${token}/sendMessage`);
    const body = JSON.parse(received[0]!.body) as { chat_id: string; text: string };
    expect(body.chat_id).toBe("-100200300");
    expect(body.text).toMatch(/FIRING \[critical\] offline: server db-01/);

    // A receiver that echoes the URL in its error: the stored error has the token starred.
    await admin.alerts.updateChannel({
      id,
      channel: { name: "tg", type: "telegram", settings: { baseUrl: `${base}/echo`, chatId: "-100200300" } },
    });
    await admin.alerts.testChannel({ id });
    expect(await drainChannel(id)).toMatchObject({ failed: true });
    const failed = await db().notificationAttempt.findFirst({ where: { ok: false } });
    expect(failed?.error).toBe("the receiver answered 500: no route for /echo/bot***/sendMessage");
    expect(JSON.stringify(await deliveries())).not.toContain(token.split(":")[1]);
  });

  it("posts {text, blocks} to a Slack-compatible incoming webhook", async () => {
    await offlineRule();
    const { id } = await admin.alerts.createChannel({
      name: "slack",
      type: "slack",
      secrets: { url: `${base}/services/T0/B0/x` },
    });
    await makeServer("api-01", { status: "offline" });
    await evaluateAlerts(t(0));
    await drainChannel(id);
    expect(received[0]!.path).toBe("/services/T0/B0/x");
    const body = JSON.parse(received[0]!.body) as { text: string; blocks: { type: string }[] };
    expect(body.text).toMatch(/^\[AC\] 1 firing\nFIRING \[critical\] offline: server api-01/);
    expect(body.blocks.map((b) => b.type)).toEqual(["header", "section"]);
    expect(JSON.stringify(await admin.alerts.channels())).not.toContain("/services/T0");
  });

  it("escapes Slack's control sequences in text that agents report", async () => {
    // A hostile agent's error text lands in the alert's detail: in Slack's mrkdwn it would ping
    // the whole channel and show a link under a text of its choosing.
    await offlineRule();
    const { id } = await admin.alerts.createChannel({ name: "slack", type: "slack", secrets: { url: `${base}/s` } });
    await makeServer("api-02", {
      status: "offline",
      lastError: "<!channel> <https://evil.example/|log in again> & co",
    });
    await evaluateAlerts(t(0));
    await drainChannel(id);
    const body = JSON.parse(received[0]!.body) as { text: string; blocks: { text?: { text: string } }[] };
    for (const text of [body.text, body.blocks[1]!.text!.text]) {
      expect(text).not.toMatch(/<!channel>|<https:/);
      expect(text).toContain("&lt;!channel&gt; &lt;https://evil.example/|log in again&gt; &amp; co");
    }
  });
});

describe("e-mail", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ac-smtp-"));
  const mails: { from: string; to: string[]; data: string; secure: boolean; user?: string }[] = [];
  let smtp: SMTPServer;
  let port = 0;
  let cert = "";

  beforeAll(async () => {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        path.join(dir, "key.pem"),
        "-out",
        path.join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    cert = fs.readFileSync(path.join(dir, "cert.pem"), "utf8");
    smtp = new SMTPServer({
      secure: false,
      key: fs.readFileSync(path.join(dir, "key.pem")),
      cert,
      authMethods: ["PLAIN", "LOGIN"],
      onAuth(auth, _session, done) {
        if (auth.username === "ac" && auth.password === "mail-pass") done(null, { user: "ac" });
        else done(new Error("bad credentials"));
      },
      onData(stream, session, done) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            data: Buffer.concat(chunks).toString("utf8"),
            secure: session.secure,
            user: session.user as string | undefined,
          });
          done();
        });
      },
    });
    port = await listen(smtp);
  });
  afterAll(async () => {
    await new Promise((r) => smtp.close(() => r(undefined)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("sends the alerts over STARTTLS, verifying the server's certificate, with login", async () => {
    await offlineRule();
    const { id } = await admin.alerts.createChannel({
      name: "mail",
      type: "email",
      settings: {
        host: "127.0.0.1",
        port,
        security: "starttls",
        from: "ac@example.test",
        to: ["ops@example.test", "oncall@example.test"],
        username: "ac",
        caPem: cert,
      },
      secrets: { password: "mail-pass" },
    });
    await makeServer("mail-01", { status: "offline" });
    await evaluateAlerts(t(0));
    expect(await drainChannel(id)).toMatchObject({ sent: 1 });
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      from: "ac@example.test",
      to: ["ops@example.test", "oncall@example.test"],
      secure: true,
      user: "ac",
    });
    expect(mails[0]!.data).toMatch(/Subject: \[AC\] 1 firing/);
    expect(mails[0]!.data).toMatch(/FIRING \[critical\] offline: server mail-01/);
  });

  it("does not send to a server whose certificate it cannot verify", async () => {
    const { id } = await admin.alerts.createChannel({
      name: "mail-untrusted",
      type: "email",
      settings: { host: "127.0.0.1", port, security: "starttls", from: "ac@example.test", to: ["ops@example.test"] },
    });
    await admin.alerts.testChannel({ id });
    expect(await drainChannel(id)).toMatchObject({ sent: 0, failed: true });
    expect((await deliveries())[0]).toMatchObject({
      status: "queued",
      lastError: expect.stringMatching(/certificate/i),
    });
    expect(mails.filter((m) => m.to.includes("ops@example.test") && !m.user)).toEqual([]);
  });
});
