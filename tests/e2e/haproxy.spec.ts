// An operator drains a server from the HAProxy page and sees its status change; HAProxy itself
// (the real one tools/e2e-server.ts starts as "lb1" behind srv-0001) reports DRAIN too, and the
// action log names who did it.
import { expect, test } from "@playwright/test";
import { e2eUsers, storageState } from "./users";

// tools/e2e-server.ts's simulator control API (E2E_SIM_CONTROL_PORT); importing that module would start a server.
const CONTROL = "http://127.0.0.1:3199";

type LiveBackend = { name: string; servers: { name: string; status: string | null }[] };

test.describe("HAProxy, as an operator", () => {
  test.use({ storageState: storageState("operator") });

  test("drains a server from the HAProxy page and sees its status change", async ({ page, request }) => {
    test.setTimeout(120_000);
    await page.goto("/haproxy");
    const lb1 = page.getByTestId("haproxy-instance").filter({ hasText: "lb1" });
    await expect(lb1).toBeVisible();
    await lb1.getByRole("button", { name: "Sync lb1 now" }).click();
    await expect(lb1.getByTestId("last-sync")).toContainText("success", { timeout: 30_000 });

    // A server HAProxy health-checks as UP.
    await page.getByRole("combobox", { name: "Instance", exact: true }).selectOption({ label: "lb1 (srv-0001)" });
    await page.getByRole("combobox", { name: "Status", exact: true }).selectOption("UP");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/[?&]status=UP/);
    const first = page.getByTestId("haproxy-server").first();
    await expect(first).toBeVisible();
    const label = (await first.getAttribute("data-server"))!;
    const [, backend, server] = label.split("/");

    // Only that server, so the row stays in view after its status changes.
    await page.getByRole("combobox", { name: "Status", exact: true }).selectOption("");
    await page.getByRole("textbox", { name: "Backend or server", exact: true }).fill(server!);
    await page.getByRole("button", { name: "Apply" }).click();
    // The row is on the page before too (the UP list): act only once the new page is in.
    await expect(page).toHaveURL(new RegExp(`[?&]q=${server}(&|$)`));
    const row = page.locator(`[data-testid="haproxy-server"][data-server="${label}"]`);
    await expect(row.getByTestId("haproxy-status")).toContainText("UP");

    await row.getByRole("button", { name: `Drain ${label}` }).click();
    // Drain asks first, in the one confirmation dialog.
    await page
      .getByRole("dialog", { name: `Drain ${label}?` })
      .getByRole("button", { name: "Drain" })
      .click();
    await expect(row.getByTestId("command-note")).toContainText("drain: now DRAIN");
    await expect(row.getByTestId("haproxy-status")).toContainText("DRAIN");

    // HAProxy itself, read through the agent simulator's control API.
    const live = (await (await request.get(`${CONTROL}/agents/srv-0001/haproxy/lb1/backends`)).json()) as LiveBackend[];
    expect(live.find((b) => b.name === backend)!.servers.find((s) => s.name === server)!.status).toBe("DRAIN");

    await page.goto("/haproxy/actions");
    const action = page.getByTestId("haproxy-action").filter({ hasText: label }).first();
    await expect(action).toContainText(e2eUsers.operator.login);
    await expect(action).toContainText("drain");
    await expect(action).toContainText("success");

    await page.goto(`/haproxy?q=${encodeURIComponent(server!)}`);
    await page
      .locator(`[data-testid="haproxy-server"][data-server="${label}"]`)
      .getByRole("button", { name: `Ready ${label}` })
      .click();
    await expect(
      page.locator(`[data-testid="haproxy-server"][data-server="${label}"]`).getByTestId("haproxy-status"),
    ).toContainText("UP");
  });
});

test.describe("HAProxy, as a viewer", () => {
  test.use({ storageState: storageState("viewer") });

  test("sees the servers but no commands", async ({ page }) => {
    // A text filter opens every matching backend; lb1's servers are named after the agents.
    await expect(async () => {
      await page.goto("/haproxy?q=srv-");
      await expect(page.getByTestId("haproxy-server").first()).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await expect(page.getByTestId("haproxy-instance").filter({ hasText: "lb1" })).toBeVisible();
    await expect(page.getByRole("button", { name: /^Sync .* now$/ })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^(Drain|Ready|Maintenance for) / })).toHaveCount(0);
    await expect(page.getByTestId("viewer-note")).toContainText("operators can drain");

    // Unfiltered, backends come collapsed; opening one loads its servers.
    await page.goto("/haproxy");
    const backend = page.getByTestId("backend").first();
    await expect(backend.getByTestId("haproxy-server")).toHaveCount(0);
    await backend.locator("summary").click();
    await expect(backend.getByTestId("haproxy-server").first()).toBeVisible();
    await expect(backend.getByTestId("haproxy-status").first()).toContainText(/UP|DOWN|DRAIN|MAINT/);
  });
});

test.describe("HAProxy instances, as an admin", () => {
  test.use({ storageState: storageState("admin") });

  test("opens an instance's edit form on demand, filled in, and closes it", async ({ page }) => {
    await page.goto("/haproxy/instances");
    const row = page.getByTestId("instance-row").filter({ hasText: "lb1" });
    // The forms are not in the page until asked for, closed ones included (docs/performance.md).
    await expect(page.locator("main dialog")).toHaveCount(0);
    await row.getByRole("button", { name: "Edit…" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit lb1" });
    await expect(dialog.getByLabel("Name on the agent")).toHaveValue("lb1");
    await expect(dialog.getByLabel("Server (its agent serves the instance)")).toHaveValue(/\d+/);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(page.locator("main dialog")).toHaveCount(0);
    await page.getByRole("button", { name: "Register instance…" }).click();
    await expect(page.getByRole("dialog", { name: "Register an HAProxy instance" })).toBeVisible();
  });
});
