import { expect, test } from "@playwright/test";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { e2eUsers, storageState } from "./users";

test.describe("logging in", () => {
  test("an admin logs in, sees the dashboard with their role, and logs out", async ({ page }) => {
    await page.goto("/admin/users?q=e2e");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fadmin%2Fusers%3Fq%3De2e/);
    await page.getByLabel("Login").fill(e2eUsers.admin.login);
    await page.getByLabel("Password").fill(e2eUsers.admin.password);
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("role")).toHaveText("admin");
    await expect(page).toHaveURL(/\/admin\/users\?q=e2e$/);
    await page.getByRole("link", { name: "Dashboard" }).click();
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
    await expect(page.getByTestId("scheduler-health")).toBeVisible();

    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL(/\/login/);
    await page.goto("/");
    await expect(page).toHaveURL(/\/login/);
  });

  test("a wrong password is refused with the same message as an unknown user", async ({ page }) => {
    for (const [login, password] of [
      [e2eUsers.admin.login, "not-the-password"],
      ["nobody-by-this-name", "not-the-password"],
    ]) {
      await page.goto("/login");
      await page.getByLabel("Login").fill(login!);
      await page.getByLabel("Password").fill(password!);
      await page.getByRole("button", { name: "Log in" }).click();
      await expect(page.getByText("Login or password is wrong.")).toBeVisible();
      await expect(page).toHaveURL(/\/login/);
    }
  });

  test("an error code from the address shows only AC's own text", async ({ page }) => {
    // The e2e server has SSO configured, so an unknown code is a failed single sign-on; without SSO
    // the page says the login did not complete (tests/unit/login-messages.test.ts).
    await page.goto("/login?error=foo");
    await expect(page.getByRole("main").getByRole("alert")).toHaveText(/^Single sign-on did not complete/);
    await expect(page.getByText("foo")).toHaveCount(0);
  });
});

test.describe("as a viewer", () => {
  test.use({ storageState: storageState("viewer") });

  test("the admin pages are out of reach and the API refuses admin calls", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
    // A notice, not a silent redirect: the user learns why.
    await page.goto("/admin/users");
    const notice = page.getByRole("alert").filter({ hasText: "This page is for the admin role" });
    await expect(notice).toContainText("You are signed in as viewer");
    await expect(page.getByRole("heading", { level: 1, name: "Administration" })).toBeVisible();
    await expect(page.getByRole("table")).toHaveCount(0);
    const response = await page.request.get(
      "/api/trpc/users.list?input=" + encodeURIComponent(JSON.stringify({ json: {} })),
    );
    expect(response.status()).toBe(403);
  });
});

test.describe("as an admin", () => {
  test.use({ storageState: storageState("admin") });

  test("creates a user who can then log in with the role given", async ({ page, browser }) => {
    await page.goto("/admin/users");
    const form = page.getByRole("form", { name: "Create user" });
    await form.getByLabel("Login").fill("e2e-new-operator");
    // A refused field is marked, not only described: "highlighted" must be true.
    const password = form.getByLabel("Password (10+ characters)");
    await password.fill("short");
    await form.getByRole("button", { name: "Create user" }).click();
    await expect(form).toContainText("at least 10 characters");
    await expect(password).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByLabel("Login")).not.toHaveAttribute("aria-invalid");
    await password.fill("new-operator-pw-1");
    await form.getByLabel("Role").selectOption("operator");
    await form.getByRole("button", { name: "Create user" }).click();
    await expect(page.getByRole("cell", { name: "e2e-new-operator" })).toBeVisible();

    const fresh = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const other = await fresh.newPage();
    await other.goto("/login");
    await other.getByLabel("Login").fill("e2e-new-operator");
    await other.getByLabel("Password").fill("new-operator-pw-1");
    await other.getByRole("button", { name: "Log in" }).click();
    await expect(other.getByTestId("role")).toHaveText("operator");
    await fresh.close();
  });

  test("changes a role from the keyboard on a phone, confirmed once", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/admin/users?q=e2e-new-operator");
    const row = page.getByRole("row").filter({ hasText: "e2e-new-operator" });
    const role = row.getByLabel("Role of e2e-new-operator");
    // The role control is on screen without scrolling the table, and the row stays short.
    await expect(role).toBeInViewport({ ratio: 1 });
    expect((await row.boundingBox())!.height).toBeLessThan(110);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // Arrow keys change a closed select's value: that picks, it does not ask yet.
    await role.focus();
    await page.keyboard.press("ArrowDown");
    await expect(role).toHaveValue("admin");
    await expect(page.getByTestId("confirm-dialog")).toHaveCount(0);
    await page.keyboard.press("Tab");
    await expect(row.getByRole("button", { name: "Change role of e2e-new-operator" })).toBeFocused();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Make e2e-new-operator an admin?" });
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await dialog.getByRole("button", { name: "Make admin" }).click();
    await expect(row.getByRole("status")).toHaveText("Saved.");
    await expect(row.getByRole("button", { name: /Change role/ })).toHaveCount(0);
    await page.reload();
    await expect(row.getByLabel("Role of e2e-new-operator")).toHaveValue("admin");
  });

  test("creates an API token that a typed tRPC client (tools/api-client-example.ts) can use", async ({
    page,
    baseURL,
  }) => {
    await page.goto("/admin/tokens");
    const form = page.getByRole("form", { name: "Create API token" });
    await form.getByLabel("Name (which tool uses it)").fill("e2e-example-tool");
    await form.getByRole("button", { name: "Create token" }).click();
    const secret = (await page.getByTestId("new-token").textContent())!.trim();
    expect(secret).toMatch(/^ac_/);
    // The form is emptied once the token exists: a second click cannot make a twin.
    await expect(form.getByLabel("Name (which tool uses it)")).toHaveValue("");
    const { stdout } = await promisify(execFile)("npx", ["tsx", "tools/api-client-example.ts"], {
      env: { ...process.env, AC_URL: baseURL!, AC_TOKEN: secret },
    });
    expect(stdout).toMatch(/servers by status: \{.*"online"/);
    expect(stdout).toContain("scheduler alive:");

    await page.reload();
    await expect(page.getByRole("cell", { name: "e2e-example-tool" })).toBeVisible();
    await page
      .getByRole("row", { name: /e2e-example-tool/ })
      .getByRole("button", { name: "Revoke" })
      .click();
    await page
      .getByRole("dialog", { name: 'Revoke the token "e2e-example-tool"?' })
      .getByRole("button", { name: "Revoke" })
      .click();
    await expect(page.getByRole("cell", { name: "e2e-example-tool" })).toHaveCount(0);
    await expect(
      promisify(execFile)("npx", ["tsx", "tools/api-client-example.ts"], {
        env: { ...process.env, AC_URL: baseURL!, AC_TOKEN: secret },
      }),
    ).rejects.toThrow(/UNAUTHORIZED|401/);
  });
});
