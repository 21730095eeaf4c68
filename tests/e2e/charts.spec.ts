// Charts of the metric history in Chromium (docs/history.md): the dashboard's fleet chart draws the
// samples the e2e server's poll cycles (every 5 s) recorded on a canvas, a hover shows the stored
// value in the legend, the values are readable from the keyboard through the data table, and the
// chart fits a 390 px phone.
import { expect, test, type Page } from "@playwright/test";
import { storageState } from "./users";

test.use({ storageState: storageState("viewer") });

const chartCard = (page: Page, title: string) =>
  page.locator("section").filter({ has: page.getByRole("heading", { name: title }) });

async function openFleetChart(page: Page) {
  await page.goto("/");
  const card = chartCard(page, "Servers over time");
  await card.getByRole("button", { name: "1h" }).click();
  await expect(card.getByRole("button", { name: "1h" })).toHaveAttribute("aria-pressed", "true");
  // The poll cycles may not have written two samples yet when the page first loads: reload until drawn.
  await expect(async () => {
    await page.reload();
    await chartCard(page, "Servers over time").getByRole("button", { name: "1h" }).click();
    await expect(chartCard(page, "Servers over time").locator("[data-chart=uplot] canvas")).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 60_000 });
  return chartCard(page, "Servers over time");
}

test("the fleet chart draws stored samples and a hover shows the stored value", async ({ page }) => {
  test.setTimeout(180_000);
  const card = await openFleetChart(page);
  const online = Number(await page.getByTestId("servers-count-online").locator("span").last().textContent());
  expect(online).toBeGreaterThan(0);

  // Hover near the right end of the plot: the legend shows the samples of that step.
  const plot = card.locator(".u-over");
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width - 3, box.y + box.height / 2);
  const onlineValue = card.locator(".u-legend .u-series").filter({ hasText: "online" }).locator(".u-value");
  await expect(onlineValue).toHaveText(String(online));
  await expect(card.locator(".u-legend .u-series").filter({ hasText: "offline" }).locator(".u-value")).toHaveText("0");

  // New data while the mouse rests (the live feed's refresh or the minute's refetch) updates the
  // chart in place: the hover keeps its place, and the legend its values, without a new mouse move.
  await page.waitForResponse((response) => response.url().includes("history.fleet") && response.ok(), {
    timeout: 75_000,
  });
  await expect(card.locator("[data-chart=uplot] canvas")).toBeVisible();
  await expect(onlineValue).toHaveText(/^\d+$/, { timeout: 5_000 });

  // Without a mouse: the data table lists the same values.
  const toggle = card.getByRole("button", { name: "Show data table" });
  await toggle.focus();
  await page.keyboard.press("Enter");
  const table = card.getByRole("table", { name: /Servers over time/ });
  await expect(table).toBeVisible();
  const headers = await table.locator("thead th").allTextContents();
  const column = headers.findIndex((h) => h.toLowerCase() === "online");
  expect(column).toBeGreaterThan(0);
  await expect(table.locator("tbody tr").first().locator("td").nth(column)).toHaveText(String(online));
});

test("a custom range is checked before it is asked for", async ({ page }) => {
  const card = await openFleetChart(page);
  await card.getByRole("button", { name: "custom" }).click();
  await card.getByLabel("From (UTC)").fill("2026-01-02T00:00");
  await card.getByLabel("To (UTC)").fill("2026-01-01T00:00");
  await card.getByRole("button", { name: "Show", exact: true }).click();
  await expect(card.getByRole("alert")).toHaveText("The start must be before the end.");
});

test("the chart fits a 390 px phone", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const card = await openFleetChart(page);
  const canvas = (await card.locator("[data-chart=uplot] canvas").boundingBox())!;
  expect(canvas.width).toBeLessThanOrEqual(390);
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
  ).toBeLessThanOrEqual(0);
});

test("a HAProxy server's status chart draws its status history as named steps", async ({ page }) => {
  test.setTimeout(120_000);
  // A server UP in HAProxy, synced by the e2e server (tools/e2e-server.ts): its first sync wrote its status row.
  await page.goto("/haproxy?status=UP");
  const row = page.getByTestId("haproxy-server").last();
  await expect(row).toBeVisible();
  const status = /^[A-Z]+/.exec((await row.getByTestId("haproxy-status").textContent())!.trim())![0];
  await row.locator('a[href^="/haproxy/servers/"]').first().click();
  const card = page.locator("section").filter({ has: page.getByRole("heading", { name: "Status", exact: true }) });
  await card.getByRole("button", { name: "1h" }).click();
  await expect(card.locator("[data-chart=uplot] canvas")).toBeVisible({ timeout: 30_000 });
  await expect(card).toContainText("changes, times in UTC");
  await expect(card).toContainText(/changes are kept \d+ days/);

  // The hover names the status, as the data table does for the keyboard.
  const box = (await card.locator(".u-over").boundingBox())!;
  await page.mouse.move(box.x + box.width - 3, box.y + box.height / 2);
  await expect(card.locator(".u-legend .u-series").filter({ hasText: "status" }).locator(".u-value")).toHaveText(
    status,
  );
  await card.getByRole("button", { name: "Show data table" }).click();
  await expect(
    card
      .getByRole("table", { name: /Status/ })
      .locator("tbody tr")
      .first(),
  ).toContainText(status);
});
