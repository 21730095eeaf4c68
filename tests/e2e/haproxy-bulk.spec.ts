// Bulk drain on a 390 px phone: an operator ticks two servers of the real HAProxy "lb1"
// (tools/e2e-server.ts), the confirmation names the count, Cancel changes nothing, confirming
// drains both (HAProxy itself reports DRAIN) with each item's result shown; then they are readied
// again. A viewer gets no checkboxes and no bulk bar.
import { expect, test, type Page } from "@playwright/test";
import { storageState } from "./users";

// tools/e2e-server.ts's simulator control API (E2E_SIM_CONTROL_PORT).
const CONTROL = "http://127.0.0.1:3199";
type LiveBackend = { name: string; servers: { name: string; status: string | null }[] };

const noSidewaysScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

test.describe("HAProxy bulk drain, as an operator", () => {
  test.use({ storageState: storageState("operator"), viewport: { width: 390, height: 844 } });

  test("asks with the count, does nothing on cancel, drains on confirm", async ({ page, request }) => {
    test.setTimeout(120_000);
    await page.goto("/haproxy");
    const lb1 = page.getByTestId("haproxy-instance").filter({ hasText: "lb1" });
    await lb1.getByRole("button", { name: "Sync lb1 now" }).click();
    await expect(lb1.getByTestId("last-sync")).toContainText("success", { timeout: 30_000 });

    // One backend of lb1, all its servers listed.
    await page.getByRole("combobox", { name: "Instance", exact: true }).selectOption({ label: "lb1 (srv-0001)" });
    await page.getByRole("button", { name: "Apply" }).click();
    // The unfiltered page has backends too: read one only once the filtered page is in.
    await expect(page).toHaveURL(/[?&]instance=\d+/);
    const firstBackend = page.getByTestId("backend").first();
    const backend = (await firstBackend.getAttribute("data-backend"))!.split("/")[1]!;
    await page.getByRole("textbox", { name: "Backend or server", exact: true }).fill(backend);
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(new RegExp(`[?&]q=${backend}(&|$)`));
    const rows = page.locator(`[data-testid="haproxy-server"][data-server^="lb1/${backend}/"]`);
    await expect(rows.nth(1)).toBeVisible();
    const labels = [(await rows.nth(0).getAttribute("data-server"))!, (await rows.nth(1).getAttribute("data-server"))!];
    const liveStates = async () => {
      const live = (await (
        await request.get(`${CONTROL}/agents/srv-0001/haproxy/lb1/backends`)
      ).json()) as LiveBackend[];
      const servers = live.find((b) => b.name === backend)!.servers;
      return labels.map((l) => servers.find((s) => s.name === l.split("/")[2])!.status);
    };
    const before = await liveStates();
    expect(before).not.toContain("DRAIN");

    for (const label of labels) await page.getByRole("checkbox", { name: `Select ${label}` }).check();
    const bar = page.getByRole("region", { name: "Bulk actions" });
    await expect(bar.getByTestId("bulk-selected")).toHaveText("2 selected");

    await bar.getByRole("button", { name: "Drain selected" }).click();
    const ask = page.getByRole("dialog", { name: "Drain 2 HAProxy servers on 1 load balancer?" });
    await expect(ask.getByTestId("confirm-items")).toContainText(labels[0]!);
    await expect(ask.getByTestId("confirm-items")).toContainText(labels[1]!);
    expect(await noSidewaysScroll(page)).toBe(true);
    // Cancel has the focus: Enter (the keyboard's reflex) changes nothing.
    await expect(ask.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(ask).toHaveCount(0);
    await expect(page.getByTestId("bulk-progress")).toHaveCount(0);
    expect(await liveStates()).toEqual(before);

    await bar.getByRole("button", { name: "Drain selected" }).click();
    await ask.getByRole("button", { name: "Drain 2 servers" }).click();
    const progress = page.getByTestId("bulk-progress");
    await expect(progress.getByTestId("bulk-counts")).toContainText("done: 2 ok, 0 failed", { timeout: 30_000 });
    await expect(progress.locator('[data-testid="bulk-item"][data-result="success"]')).toHaveCount(2);
    expect(await liveStates()).toEqual(["DRAIN", "DRAIN"]);
    for (const label of labels)
      await expect(
        page.locator(`[data-testid="haproxy-server"][data-server="${label}"]`).getByTestId("haproxy-status"),
      ).toContainText("DRAIN");
    expect(await noSidewaysScroll(page)).toBe(true);

    // Back into the pool, the same way (the selection is kept).
    await bar.getByRole("button", { name: "Ready selected" }).click();
    await page
      .getByRole("dialog", { name: "Ready 2 HAProxy servers on 1 load balancer?" })
      .getByRole("button", { name: "Ready 2 servers" })
      .click();
    await expect(progress.getByTestId("bulk-counts")).toContainText("done: 2 ok, 0 failed", { timeout: 30_000 });
    expect(await liveStates()).not.toContain("DRAIN");
  });
});

test.describe("HAProxy words explained, as an operator", () => {
  test.use({ storageState: storageState("operator") });

  test("the breaker, the server page's HAProxy button and host maintenance's two commands say what they mean", async ({
    page,
  }) => {
    await page.goto("/haproxy");
    await expect(page.getByTestId("breaker-help")).toContainText("circuit breaker");
    // The badge tells a screen reader what its state means, not only a hover title.
    const lb1 = page.getByTestId("haproxy-instance").filter({ hasText: "lb1" });
    await expect(lb1.getByTestId("breaker")).toContainText(/go through|failed call|refused|trial/);

    await page.goto("/servers?q=srv-0001");
    await page.getByTestId("server-row").getByRole("link", { name: "srv-0001" }).click();
    await page.getByRole("button", { name: "HAProxy on this server (1)" }).click();
    const dialog = page.getByRole("dialog", { name: "HAProxy on srv-0001" });
    await expect(dialog).toContainText("The HAProxy load balancers whose runtime API srv-0001");
    await expect(dialog.getByTestId("breaker-help")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();

    const maintenance = page.getByTestId("host-maintenance");
    await expect(maintenance.getByRole("button", { name: "Drain all for maintenance" })).toHaveAccessibleDescription(
      /no new sessions .* open sessions finish/,
    );
    await expect(maintenance.getByRole("button", { name: "Maint all" })).toHaveAccessibleDescription(
      /stop sending it traffic at once; open connections are dropped/,
    );
  });
});

test.describe("HAProxy bulk actions, as a viewer", () => {
  test.use({ storageState: storageState("viewer") });

  test("offers no checkboxes and no bulk bar", async ({ page }) => {
    await expect(async () => {
      await page.goto("/haproxy?q=srv-");
      await expect(page.getByTestId("haproxy-server").first()).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await expect(page.getByRole("checkbox", { name: /^Select / })).toHaveCount(0);
    await expect(page.getByTestId("bulk-bar")).toHaveCount(0);
  });
});
