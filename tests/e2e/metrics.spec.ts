// /api/metrics in the production build behind AC's web server: proxy.ts neither sends a scrape to
// the login page nor needs a session, the bearer token is required, and once the demo fleet has
// been polled the instance counts are there (docs/metrics.md).
import { expect, test } from "@playwright/test";
import { e2eMetricsToken } from "./users";

test("a scrape needs the bearer token and no session, and returns the polled fleet", async ({ request }) => {
  const attempts: Record<string, string>[] = [{}, { authorization: "Bearer not-the-token" }];
  for (const headers of attempts) {
    const refused = await request.get("/api/metrics", { headers, maxRedirects: 0 });
    expect(refused.status()).toBe(401);
    expect(refused.headers()["www-authenticate"]).toBe('Bearer realm="AC metrics"');
  }
  const authorization = `Bearer ${e2eMetricsToken}`;
  await expect
    .poll(
      async () => {
        const response = await request.get("/api/metrics", { headers: { authorization }, maxRedirects: 0 });
        expect(response.status()).toBe(200);
        expect(response.headers()["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
        expect(response.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
        const body = await response.text();
        expect(body).toMatch(/^ac_servers\{status="online"\} [1-9]/m);
        return /^ac_instances\{status="[a-z_]+"\} [1-9]/m.test(body);
      },
      { timeout: 60_000, message: "the first full poll cycle stores the instance counts" },
    )
    .toBe(true);
});
