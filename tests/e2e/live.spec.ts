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
