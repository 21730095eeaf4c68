// The browser-side defences against a real production server: every page runs under the strict
// CSP (no violation reported), headers forbid framing and sniffing, a login link cannot send the
// user to another site, and password guessing is limited by the socket's address whatever
// X-Forwarded-For a caller writes (docs/security.md).
import { expect, test, type Page } from "@playwright/test";
import { e2eUsers, storageState } from "./users";

/** Collects CSP violations a page reports, as console messages and as DOM events. */
async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return violations;
}

test.describe("as an admin", () => {
  test.use({ storageState: storageState("admin") });

  test("every page renders and hydrates under the CSP without a violation", async ({ page }) => {
    test.setTimeout(240_000); // about twenty page loads
    const violations = await watchCsp(page);
    const visit = async (path: string) => {
      const response = await page.goto(path);
      expect(response?.status(), path).toBeLessThan(400);
      const csp = response!.headers()["content-security-policy"] ?? "";
      expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response!.headers()["x-content-type-options"]).toBe("nosniff");
      // Hydrated: the client-side navigation bar answers (a blocked script would leave it dead).
      await expect(page.getByTestId("role")).toHaveText("admin");
    };
    /** The links of the page to detail pages (`/servers/12`, `/haproxy/servers/3`). */
    const detailLinks = () =>
      page
        .locator("main a[href]")
        .evaluateAll((links) => links.map((a) => a.getAttribute("href")!).filter((h) => /^\/[a-z/]+\/\d+$/.test(h)));

    const details = new Map<string, string>();
    for (const path of [
      "/",
      "/servers",
      "/applications",
      "/groups",
      "/events",
      "/haproxy",
      "/haproxy/instances",
      "/haproxy/actions",
      "/tasks",
      "/admin/users",
      "/admin/tokens",
      "/audit",
    ]) {
      await visit(path);
      // These lists always have rows in the e2e fleet: wait for them (they stream in after the shell).
      const rows = { "/servers": "/servers/", "/applications": "/applications/", "/groups": "/groups/" }[path];
      if (rows) await expect(page.locator(`main a[href^="${rows}"]`).first()).toBeVisible();
      for (const href of await detailLinks()) {
        const kind = href.replace(/\d+$/, "");
        if (!details.has(kind)) details.set(kind, href);
      }
    }
    expect(details.size).toBeGreaterThanOrEqual(3);
    for (const href of details.values()) await visit(href);
    // Client-side navigation loads more chunks under the same policy.
    await page.getByRole("link", { name: "Servers" }).click();
    await expect(page.getByRole("heading", { name: "Servers" })).toBeVisible();
    expect(violations).toEqual([]);
  });

  test("hand-edited list URLs show the list, never the error page", async ({ page }) => {
    test.setTimeout(120_000);
    const longSearch = "x".repeat(300);
    for (const path of [
      "/servers?q=%00srv", // PostgreSQL refuses a NUL in text
      "/alerts?q=%00x",
      "/admin/users?q=%00",
      `/admin/users?q=${longSearch}`, // users.list takes 100 characters
      "/events?page=99999999999999999", // beyond the offset the database takes
      "/alerts?page=20000", // beyond alerts.list's 10 000
    ]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 }), path).toBeVisible();
      await expect(page.getByText("This page could not be loaded"), path).toHaveCount(0);
    }
    await expect(page.getByText(/page 10000 is past the last page/)).toBeVisible();
    await page.goto(`/admin/users?q=${longSearch}`);
    await expect(page.getByLabel("Search users")).toHaveValue(longSearch.slice(0, 100));
    // Past the end, the pagination offers the last page instead of "Previous" to page - 1.
    await page.goto("/admin/users?page=5");
    const pagination = page.getByRole("navigation", { name: "Pagination" });
    await expect(pagination).toContainText("page 5 is past the last page, 1");
    await expect(pagination.getByRole("link", { name: "Last page" })).toHaveAttribute("href", "/admin/users?page=1");
    await expect(pagination.getByRole("link", { name: "Previous" })).toHaveCount(0);
  });

  test("an address that names nothing gets a page with a heading and a way back, under the CSP", async ({ page }) => {
    const violations = await watchCsp(page);
    const unknown = await page.goto("/no-such-page");
    expect(unknown?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
    await page.getByRole("link", { name: "Go to the dashboard" }).click();
    await expect(page.getByTestId("role")).toHaveText("admin");
    // A detail page looks its record up before its loading state streams, so an unknown id is a
    // real 404, not the not-found text under a 200 (components/ui/page-loading.tsx).
    for (const path of [
      "/servers/999999",
      "/groups/999999",
      "/groups/abc",
      "/applications/999999",
      "/haproxy/servers/999999",
      "/tasks/00000000-0000-4000-8000-000000000000",
    ]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(page.getByRole("heading", { level: 1, name: "Not found" }), path).toBeVisible();
    }
    expect(violations).toEqual([]);
  });
});

test("the login page runs under the CSP and API answers carry their own headers", async ({ page, request }) => {
  const violations = await watchCsp(page);
  const response = await page.goto("/login");
  expect(response!.headers()["content-security-policy"]).toContain("'strict-dynamic'");
  expect(response!.headers()["x-frame-options"]).toBe("DENY");
  await page.getByLabel("Login").fill("nobody-csp");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByText("Login or password is wrong.")).toBeVisible();
  expect(violations).toEqual([]);
  const health = await request.get("/api/health");
  expect(health.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(health.headers()["x-content-type-options"]).toBe("nosniff");
});

test.describe("after logging in", () => {
  for (const target of [
    "/\\evil.example",
    "//evil.example",
    "https://evil.example/",
    "/%5Cevil.example",
    "/\t/evil.example",
  ]) {
    test(`a callbackUrl of ${JSON.stringify(target)} stays on this site`, async ({ page, baseURL }) => {
      await page.goto(`/login?callbackUrl=${encodeURIComponent(target)}`);
      await page.getByLabel("Login").fill(e2eUsers.viewer.login);
      await page.getByLabel("Password").fill(e2eUsers.viewer.password);
      await page.getByRole("button", { name: "Log in" }).click();
      // Logged in and sent on: to the dashboard, or to a path of this site that may not exist.
      await expect(page).not.toHaveURL(/\/login/);
      expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    });
  }
});

test("password guesses from one address are limited, whatever X-Forwarded-For says", async ({
  playwright,
  baseURL,
}) => {
  const request = await playwright.request.newContext({ baseURL });
  try {
    const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const outcomes: string[] = [];
    for (let i = 1; i <= 8; i++) {
      const response = await request.post("/api/auth/callback/credentials", {
        headers: { "x-forwarded-for": `198.51.100.${i}`, "x-real-ip": `198.51.100.${i}` },
        form: { csrfToken, login: "e2e-guessed", password: `guess-${i}`, json: "true" },
      });
      const { url } = (await response.json()) as { url: string };
      outcomes.push(decodeURIComponent(new URL(url).searchParams.get("error") ?? ""));
    }
    expect(outcomes.slice(0, 5).every((o) => o === "CredentialsSignin")).toBe(true);
    expect(outcomes.slice(5).every((o) => o.startsWith("Too many failed attempts"))).toBe(true);
  } finally {
    await request.dispose();
  }
});
