// next-auth's route (/api/auth/*) answers anyone, logged in or not. Its `_log` action handed a
// caller's `code` and fields to AC's logger, which wrote them into the log and, for any code
// starting OAUTH_, into an audit row capped per error text: one client could forge log lines and
// grow the append-only audit log without end. And Next.js reads a route's body whatever its size,
// so a client could make AC buffer gigabytes. docs/security.md, "next-auth's endpoints".
import { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { afterEach, describe, expect, it, vi } from "vitest";
import { POST } from "@/app/api/auth/[...nextauth]/route";
import { AUTH_MAX_BODY_BYTES } from "@/server/auth/auth-route";
import { authOptions } from "@/server/auth/next-auth";
import { db } from "@/server/db";

const FORGED = 'OAUTH_FORGED\n[ac] login success local "admin" user 1 10.0.0.1';
const context = (...nextauth: string[]) => ({ params: Promise.resolve({ nextauth }) });
const loginRows = () => db().auditEntry.count({ where: { action: "auth.login" } });
/** Every console.error line of the test so far, as one text. */
const errorLog = (spy: ReturnType<typeof vi.spyOn>) =>
  spy.mock.calls.map((call: unknown[]) => call.map((part) => String(part)).join(" ")).join("\n");

/** What next-auth's route hands its core for a posted `_log` (its API-route entry: no Next request scope needed). */
async function nextAuthLog(body: Record<string, string>) {
  const res = { status: () => res, setHeader: () => res, send: () => res, end: () => res, json: () => res };
  await NextAuth(
    { method: "POST", query: { nextauth: ["_log"] }, body, cookies: {}, headers: {} } as never,
    res as never,
    authOptions,
  );
}

/** A POST whose body is `total` bytes in 64 KiB chunks, counting what the server pulls. */
function bigPost(path: string, total: number, headers: Record<string, string> = {}) {
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  const req = new NextRequest(`http://127.0.0.1${path}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    duplex: "half",
  } as ConstructorParameters<typeof NextRequest>[1]);
  return { req, pulled: () => pulled };
}

afterEach(() => vi.restoreAllMocks());

describe("next-auth's _log action", () => {
  it("is not served: a caller cannot write log lines or audit rows of its own wording", async () => {
    const spy = vi.spyOn(console, "error");
    const req = new NextRequest("http://127.0.0.1/api/auth/_log", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ level: "error", code: FORGED, message: "hello" }).toString(),
    });
    const response = await POST(req, context("_log"));
    expect(response.status).toBe(404);
    expect(errorLog(spy)).not.toContain("[ac] login success");
    expect(await loginRows()).toBe(0);
  });

  it("even when reached, audits only next-auth's own OAuth codes and quotes the code in the log", async () => {
    const spy = vi.spyOn(console, "error");
    const recorded = vi.spyOn(console, "info");
    for (let i = 0; i < 15; i++) await nextAuthLog({ level: "error", code: `${FORGED} #${i}` });
    expect(
      errorLog(spy)
        .split("\n")
        .some((line: string) => line.startsWith("[ac] login success")),
    ).toBe(false);
    // Each attempt recorded says so in the log before its audit row is written (server/auth/login-audit.ts);
    // the anonymous cap is per error text, so each new text used to get audit rows of its own.
    expect(errorLog(recorded)).not.toContain("[ac] login error");
    expect(await loginRows()).toBe(0);

    // next-auth's own code still records the failed OIDC callback.
    authOptions.logger!.error!("OAUTH_CALLBACK_ERROR", new Error("state mismatch"));
    await vi.waitFor(async () => expect(await loginRows()).toBe(1));
  });
});

describe("a body sent to next-auth's route", () => {
  it(`is read no further than ${AUTH_MAX_BODY_BYTES} bytes`, async () => {
    const { req, pulled } = bigPost("/api/auth/callback/credentials", 8 * 1024 * 1024);
    const response = await POST(req, context("callback", "credentials")).catch((error: unknown) => error);
    // Past the limit the stream is left: at most the chunk that crossed it and one read ahead.
    expect(pulled()).toBeLessThanOrEqual(AUTH_MAX_BODY_BYTES + 2 * 64 * 1024);
    expect((response as Response).status).toBe(413);
  });

  it("is refused unread when its declared length is over the limit", async () => {
    const { req, pulled } = bigPost("/api/auth/callback/credentials", 8 * 1024 * 1024, {
      "content-length": String(8 * 1024 * 1024),
    });
    const response = await POST(req, context("callback", "credentials")).catch((error: unknown) => error);
    expect((response as Response).status).toBe(413);
    expect(pulled()).toBeLessThanOrEqual(2 * 64 * 1024); // a stream may read ahead before anyone asks
  });
});
