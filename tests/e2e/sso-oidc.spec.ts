// OIDC login in Chromium through a real OpenID Provider (tools/sso-lab/oidc-provider.ts, started by
// tools/e2e-server.ts): next-auth's redirect, the provider's login page, the callback, and AC's
// group → role mapping (docs/authentication.md).
import { expect, test, type Page } from "@playwright/test";
import { e2eSsoUsers, storageState } from "./users";

async function logInAtProvider(page: Page, user: { login: string; password: string }) {
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in with Test SSO" }).click();
  await expect(page.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
  await page.getByLabel("Username").fill(user.login);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test.describe("single sign-on with OIDC", () => {
  test("a user in a mapped group lands logged in with the mapped role", async ({ page }) => {
    await logInAtProvider(page, e2eSsoUsers.operator);
    await expect(page.getByTestId("role")).toHaveText("operator");
    await expect(page).not.toHaveURL(/\/login/);
  });

  test("a user in no mapped group is refused with the reason", async ({ page }) => {
    await logInAtProvider(page, e2eSsoUsers.outsider);
    await expect(page).toHaveURL(/\/login\?error=no-role/);
    await expect(page.getByText("your account is in no group that gives access to AC")).toBeVisible();
  });
});

test.describe("the users page", () => {
  test.use({ storageState: storageState("admin") });

  test("shows the SSO account's source, last login and the groups that gave its role, without a role editor", async ({
    page,
  }) => {
    await page.goto(`/admin/users?q=${e2eSsoUsers.operator.login}`);
    const row = page.getByRole("row").filter({ hasText: e2eSsoUsers.operator.login });
    await expect(row.getByRole("cell", { name: "OIDC", exact: true })).toBeVisible();
    await expect(row.getByTestId(`sso-role-${e2eSsoUsers.operator.login}`)).toContainText(
      "operator from ops, everyone",
    );
    await expect(row.getByRole("combobox")).toHaveCount(0);
    await expect(row.getByRole("button", { name: "Reset password" })).toHaveCount(0);
  });
});
