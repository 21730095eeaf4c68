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

test("event and audit rows stay short at 390 px, and names in them never break at a hyphen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  // The columns that hold names; descriptions and changes are prose and wrap as prose does.
  for (const [path, testId, nameColumns] of [
    ["/events", "event-row", ["Event", "Server", "Instance"]],
    ["/audit", "audit-row", ["Who", "Action", "Target"]],
  ] as const) {
    await page.goto(path);
    const rows = page.getByTestId(testId);
    await expect(rows.first()).toBeVisible();
    const headers = await page.locator("thead th").allTextContents();
    const columns = nameColumns.map((name) => headers.findIndex((h) => h.trim().toLowerCase() === name.toLowerCase()));
    expect(columns, `${path} name columns`).not.toContain(-1);
    const measured = await rows.evaluateAll(
      (trs, columns) =>
        trs.map((tr) => ({
          height: tr.getBoundingClientRect().height,
          // A hyphenated word laid out over several lines has one box per line.
          broken: columns.flatMap((column) => {
            const td = tr.children[column]!;
            const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
            const words: string[] = [];
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              for (const match of node.textContent!.matchAll(/\S*-\S*/g)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                if (new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1) words.push(match[0]);
              }
            }
            return words;
          }),
        })),
      columns,
    );
    const heights = measured.map((m) => m.height).sort((a, b) => a - b);
    console.log(path, "row heights", heights.join(" "));
    // Most rows take one or two lines (they took three to six in a 256 px column).
    expect(heights[Math.floor(heights.length / 2)], `${path} median row height`).toBeLessThanOrEqual(64);
    expect(
      measured.flatMap((m) => m.broken),
      `${path} names broken at a hyphen`,
    ).toEqual([]);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
  }
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
  // Measured once the page is hydrated (its live feed connected): until then "Last check" holds the
  // server-rendered exact times, wider than the "2 min ago" the page then shows and is used with.
  const hydrated = () => expect(page.getByTestId("live-state")).toHaveAttribute("data-state", "live");
  await page.goto("/servers");
  await expect(page.getByRole("heading", { name: "Servers" })).toBeVisible();
  await hydrated();
  expect(await clipped()).toEqual([]);
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  // A server's Delete belongs to its "Edit server" card, not floating under it.
  const serverLink = (await links(page, "main a[href^='/servers/']")).find((h) => /^\/servers\/\d+$/.test(h));
  expect(serverLink, "a server to open").toBeDefined();
  await page.goto(serverLink!);
  const editCard = page.locator("section").filter({ has: page.getByRole("heading", { name: "Edit server" }) });
  await expect(editCard.getByRole("button", { name: /^Delete / })).toBeVisible();
  await page.goto("/groups");
  await expect(page.locator("main a[href^='/groups/']").first()).toBeVisible();
  const groupLink = (await links(page, "main a[href^='/groups/']"))[0];
  expect(groupLink, "a group to open").toBeDefined();
  await page.goto(groupLink!);
  await expect(page.getByTestId("group-updates")).toBeVisible();
  await hydrated();
  expect(await clipped()).toEqual([]);
  expect(await overflow(page)).toBeLessThanOrEqual(0);
});
