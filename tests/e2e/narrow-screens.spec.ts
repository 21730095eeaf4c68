// Every page fits a 390 px phone without sideways scrolling, and the wide tables of the servers
// list and the group page show their buttons whole at 1280 px (asserted on the rendered layout,
// not by screenshot). Pages are found the way a user finds them: the navigation, the admin tabs
// and the first detail link of each kind, so a new page is covered without editing this file.
import { expect, test, type Page } from "@playwright/test";
import { storageState } from "./users";

test.use({ storageState: storageState("admin") });

/** Sideways overflow of the page: how far the document is wider than the viewport. */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

const links = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((as) => as.map((a) => a.getAttribute("href")!).filter((h) => h.startsWith("/")));

test("every page fits 390 px without sideways scrolling", async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/");
  // The menu opens and lists every section, all reachable.
  await page.getByText("☰ Menu").click();
  const sections = await links(page, "nav[aria-label=Main] details a[href]");
  expect(sections).toEqual(expect.arrayContaining(["/", "/servers", "/haproxy", "/tasks", "/admin/users"]));

  const pages = new Set(sections);
  const details = new Map<string, string>();
  const visit = async (path: string) => {
    const response = await page.goto(path);
    expect(response?.status(), path).toBeLessThan(400);
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    expect(await overflow(page), `${path} scrolls sideways at 390 px`).toBeLessThanOrEqual(0);
  };
  for (const path of [...pages]) {
    await visit(path);
    for (const href of await links(page, "main nav a[href], main a[href^='/admin/']")) pages.add(href);
    for (const href of await links(page, "main a[href]")) {
      const kind = href.replace(/\/\d+$/, "/:id");
      if (/\/\d+$/.test(href) && !details.has(kind)) details.set(kind, href);
    }
  }
  for (const path of [...pages].filter((p) => !sections.includes(p))) await visit(path);
  expect(details.size, "detail pages found").toBeGreaterThanOrEqual(3);
  for (const path of details.values()) await visit(path);
});

test("an empty state quoting a long URL value wraps instead of widening the page", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/events?server=${"x".repeat(300)}`);
  await expect(page.getByText(/No server is named/)).toBeVisible();
  expect(await overflow(page)).toBeLessThanOrEqual(0);
});

test("the servers list and the group page show their buttons whole at 1280 px", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  /** Buttons and links cut off by a box that clips or scrolls sideways (a table wrapper), or by the page. */
  const clipped = () =>
    page.locator("main").evaluate((main) =>
      [...main.querySelectorAll("button, a")]
        .filter((el) => {
          const r = el.getBoundingClientRect();
          if (r.width === 0) return false;
          for (let box = el.parentElement; box; box = box.parentElement) {
            const clips = box === document.body || getComputedStyle(box).overflowX !== "visible";
            const b = box.getBoundingClientRect();
            if (clips && (r.right > b.right + 1 || r.left < b.left - 1)) return true;
          }
          return false;
        })
        .map((el) => el.textContent?.trim()),
    );
  await page.goto("/servers");
  await expect(page.getByRole("heading", { name: "Servers" })).toBeVisible();
  expect(await clipped()).toEqual([]);
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  await page.goto("/groups");
  await expect(page.locator("main a[href^='/groups/']").first()).toBeVisible();
  const groupLink = (await links(page, "main a[href^='/groups/']"))[0];
  expect(groupLink, "a group to open").toBeDefined();
  await page.goto(groupLink!);
  await expect(page.getByTestId("group-updates")).toBeVisible();
  expect(await clipped()).toEqual([]);
  expect(await overflow(page)).toBeLessThanOrEqual(0);
});
