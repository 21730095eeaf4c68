// A live page (docs/architecture.md, "Change feed"): the applications list left open while the
// simulated agent changes (tools/e2e-server.ts polls every 5 s) shows the change by itself: no
// reload, no navigation, only the page's one live subscription and the refresh it triggers.
import { expect, test } from "@playwright/test";
import { simulatorClient } from "../../tools/fagent-sim/client";
import { storageState } from "./users";

// tools/e2e-server.ts's E2E_SIM_CONTROL_PORT; importing that module would start a server.
const simulator = simulatorClient("http://127.0.0.1:3199");
const AGENT = "srv-0004"; // no other spec changes it
const APP = {
  container_name: "livey_1",
  image: "registry.local/livey:1.0",
  tag: "1.0",
  version: "1.0",
  status: "running",
};

test.describe("live pages", () => {
  test.use({ storageState: storageState("viewer") });
  test.afterAll(() => simulator.removeApp(AGENT, "docker", APP.container_name).catch(() => undefined));

  test("a change a poll writes appears on an open list without a reload", async ({ page }) => {
    const streams: string[] = [];
    page.on("request", (r) => r.url().includes("/api/trpc/live.changes") && streams.push(r.url()));

    await page.goto("/applications?q=livey_1");
    await expect(page.getByText(/No applications/)).toBeVisible();
    await expect(page.getByTestId("live-state")).toHaveAttribute("data-state", "live");
    // A mark on this document: a reload would load a new one without it (router.refresh keeps it).
    await page.evaluate(() => ((window as unknown as { liveMark: number }).liveMark = 1));

    await simulator.addApp(AGENT, "docker", APP);
    const row = page.getByRole("row").filter({ hasText: "livey_1" });
    await expect(row).toContainText("online", { timeout: 45_000 });

    await simulator.setApp(AGENT, "docker", APP.container_name, { status: "exited (0) 1 second ago" });
    await expect(row).toContainText("offline", { timeout: 45_000 });

    expect(await page.evaluate(() => (window as unknown as { liveMark?: number }).liveMark)).toBe(1);
    expect(streams).toHaveLength(1); // one EventSource for the page, kept open throughout
  });
});

test.describe("the refresh picker", () => {
  test.use({ storageState: storageState("operator") });

  test("keeps Off as Off (-1, since 0 is Live), and refuses a value it does not offer in words", async ({ page }) => {
    await page.goto("/servers");
    const control = page.getByTestId("auto-refresh");
    const picker = control.locator("select");
    try {
      const saved = page.waitForResponse((r) => r.url().includes("users.setRefreshInterval"));
      await picker.selectOption({ label: "Off" });
      expect((await saved).ok()).toBe(true);
      await page.reload();
      await expect(picker).toHaveValue("-1");
      await expect(page.getByTestId("live-state")).toHaveCount(0);

      const message = "Refresh must be Live (0), Off (-1) or every 5, 15, 30 or 60 seconds";
      const refused = await page.request.post("/api/trpc/users.setRefreshInterval", { data: { json: { seconds: 7 } } });
      expect(refused.status()).toBe(400);
      expect(await refused.text()).toContain(message);
      // An option slipped into the page (devtools) is refused by the picker itself, with the same words.
      await picker.evaluate((select: HTMLSelectElement) => select.add(new Option("7 s", "7")));
      await picker.selectOption("7");
      await expect(control.getByRole("alert")).toContainText(message);
    } finally {
      await page.request.post("/api/trpc/users.setRefreshInterval", { data: { json: { seconds: 0 } } });
    }
  });
});
