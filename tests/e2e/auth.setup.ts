// Logs in once per role and saves the session for the other tests.
import { expect, test as setup } from "@playwright/test";
import { e2eUsers, storageState, type E2eRole } from "./users";

for (const role of Object.keys(e2eUsers) as E2eRole[]) {
  setup(`log in as ${role}`, async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Login").fill(e2eUsers[role].login);
    await page.getByLabel("Password").fill(e2eUsers[role].password);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByTestId("role")).toHaveText(role);
    await page.context().storageState({ path: storageState(role) });
  });
}
