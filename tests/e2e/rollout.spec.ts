// An operator rolls out two groups of the e2e fleet as one task from the browser: picks them on
// the New rollout page, puts the second first with the keyboard-reachable Up button, gives each
// its version and the first its own batch size for this rollout, previews, confirms (each
// group's batches listed), and on the task page sees each group's batches and continues past the
// pause between the groups until it succeeds (docs/update-tasks.md, "Multi-group rollouts and canaries"). The e2e
// server's default playbook, ansible/simulator-update.yml, "installs" through the simulator. All
// of it on a 390 px phone.
import { expect, test, type Page } from "@playwright/test";
import { storageState } from "./users";

type Group = {
  id: number;
  name: string;
  instances: number;
  online: number;
  batchGroupingStrategy: string;
  catalog: { appType: string } | null;
};

/** Sideways overflow of the page at the current viewport (tests/e2e/narrow-screens.spec.ts). */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// On a phone: every step of it must work at 390 px without sideways scrolling.
test.use({ storageState: storageState("operator"), viewport: { width: 390, height: 844 } });

test("a two-group rollout, confirmed, paused between the groups, continued, succeeds", async ({ page }) => {
  test.setTimeout(240_000);
  // Two groups with every instance online (the agent must confirm each update), the last by name:
  // the other update specs pick the first ones, and each waits for its own task to end.
  let groups: Group[] = [];
  await expect(async () => {
    const response = await page.request.get(
      `/api/trpc/groups.list?input=${encodeURIComponent(JSON.stringify({ json: { pageSize: 200 } }))}`,
    );
    const items = ((await response.json()) as { result: { data: { json: { items: Group[] } } } }).result.data.json
      .items;
    groups = items.filter((g) => g.instances > 0 && g.online === g.instances).slice(-2);
    expect(groups).toHaveLength(2);
  }).toPass({ timeout: 30_000 });
  const [web, backend] = groups as [Group, Group];
  const instances = web.instances + backend.instances;
  const described = (g: Group) => `${g.name} (${g.catalog?.appType ?? "app"})`;
  const count = (n: number) => `${n} instance${n === 1 ? "" : "s"}`;

  await page.goto("/tasks");
  await page.getByRole("link", { name: "New rollout" }).click();
  await expect(page.getByRole("heading", { name: "New rollout", level: 1 })).toBeVisible();
  for (const g of [web, backend]) {
    await page.getByLabel("Find a group to add").fill(g.name);
    await page.getByRole("button", { name: `Add ${described(g)}, ${count(g.instances)}` }).click();
  }
  const order = page.getByTestId("rollout-stage");
  await expect(order).toHaveCount(2);
  // The backend first: moved up from the keyboard.
  await page.getByRole("button", { name: `Move ${described(backend)} up` }).focus();
  await page.keyboard.press("Enter");
  await expect(order.nth(0)).toContainText(`1. ${backend.name}`);
  await expect(order.nth(1)).toContainText(`2. ${web.name}`);
  await page.getByLabel(`Target version for ${described(backend)}`).fill("3.0.0");
  await page.getByLabel(`Target version for ${described(web)}`).fill("3.1.0");
  // The backend in batches of 2 for this rollout only (the web tier keeps its group's batching);
  // a size the API would refuse is refused at the field, in the API's words, and nothing is sent.
  const ownBatches = Math.ceil(backend.instances / 2);
  await page.getByLabel(`Batches for ${described(backend)}`).selectOption("fixed_size");
  const size = page.getByLabel(`Batch size for ${described(backend)}`);
  await size.fill("1001");
  await expect(size).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("at most 1000")).toBeVisible();
  await page.getByRole("button", { name: "Preview plan" }).click();
  await expect(page.getByText("Please correct the highlighted fields.")).toBeVisible();
  await size.focus();
  await page.keyboard.press("Control+A");
  await page.keyboard.type("2");
  await expect(size).not.toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Pause after each group until someone continues")).toBeChecked();
  await page.getByLabel("Drain delay (s)").fill("0");
  await page.getByLabel("Wait after update (s)").fill("0");

  await page.getByRole("button", { name: "Preview plan" }).click();
  const preview = page.getByTestId("rollout-preview");
  await expect(preview.getByRole("heading")).toContainText(`2 groups, ${count(instances)}`);
  await expect(preview.getByTestId("plan-stage")).toHaveText([
    `Stage 1 / 2: ${backend.name} → 3.0.0 (fixed size 2, set for this rollout)`,
    new RegExp(`^Stage 2 / 2: ${escape(web.name)} → 3\\.1\\.0 \\(.+, the group's setting\\)$`),
  ]);
  expect(await overflow(page), "the New rollout page scrolls sideways at 390 px").toBeLessThanOrEqual(0);
  await page.getByRole("button", { name: "Start rollout…" }).click();
  const confirm = page.getByRole("dialog", { name: `Start a rollout of 2 groups, ${count(instances)}?` });
  // Each group with its batching, then its batches (at most five listed per group).
  const items = confirm.getByTestId("confirm-items").getByRole("listitem");
  const batches = (n: number) => `${n} batch${n === 1 ? "" : "es"}`;
  await expect(items.first()).toHaveText(
    `1. ${backend.name} → 3.0.0: ${count(backend.instances)} in ${batches(ownBatches)} (fixed size 2, set for this rollout)`,
  );
  for (let b = 1; b <= Math.min(ownBatches, 5); b++)
    await expect(items.nth(b)).toHaveText(new RegExp(`^batch ${b}/\\d+: ${escape(backend.name)}_\\d+ on `));
  await expect(items.nth(Math.min(ownBatches, 5) + (ownBatches > 5 ? 2 : 1))).toHaveText(
    new RegExp(`^2\\. ${escape(web.name)} → 3\\.1\\.0: ${count(web.instances)} in .*, the group's setting\\)$`),
  );
  await confirm.getByRole("button", { name: "Start rollout" }).click();

  await expect(page).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    `Rollout: ${backend.name} → 3.0.0, ${web.name} → 3.1.0`,
  );
  const paused = page.getByTestId("task-paused");
  await expect(paused).toContainText("Paused — waiting for Continue", { timeout: 120_000 });
  await expect(page.getByTestId("task-status")).toHaveText("paused");
  const stages = page.getByTestId("task-stage");
  // Each group's batches: the backend's own size for this rollout, the web tier's group setting.
  await expect(stages.nth(0)).toContainText(`batches 1–${ownBatches} · fixed size 2, set for this rollout`);
  await expect(stages.nth(1)).toContainText(new RegExp(`batches ${ownBatches + 1}–\\d+ · .+, the group's setting`));
  await page.locator("summary", { hasText: "Plan" }).click();
  const plan = page.getByTestId("plan");
  await expect(plan.getByTestId("plan-stage").first()).toHaveText(
    `Stage 1 / 2: ${backend.name} → 3.0.0 (fixed size 2, set for this rollout)`,
  );
  const planBatches = plan.getByTestId("plan-batch");
  for (let b = 0; b < ownBatches; b++)
    await expect(planBatches.nth(b).getByRole("row")).toHaveCount(Math.min(2, backend.instances - 2 * b));
  await expect(stages.nth(0)).toContainText("succeeded");
  await expect(stages.nth(1)).toContainText("pending");
  await expect(stages.nth(1)).toHaveAttribute("aria-current", "step");
  await expect(paused.getByRole("button", { name: "Continue" })).toBeVisible();
  expect(await overflow(page), "the paused task page scrolls sideways at 390 px").toBeLessThanOrEqual(0);
  // A paused task has no current step: one Cancel, confirmed; asking and cancelling keeps it paused.
  await expect(page.getByRole("button", { name: "Cancel after current step" })).toHaveCount(0);
  await page.getByRole("button", { name: "Cancel task" }).click();
  const cancelAsk = page.getByRole("dialog", { name: "Cancel the paused task?" });
  await cancelAsk.getByRole("button", { name: "Cancel", exact: true }).click();
  await expect(cancelAsk).toBeHidden();
  await expect(page.getByTestId("task-status")).toHaveText("paused");
  const taskUrl = page.url();
  const taskId = taskUrl.split("/").at(-1)!;

  // Nobody forgets it: the dashboard lists it, the tasks list says it waits.
  await page.goto("/");
  const waiting = page
    .getByTestId("paused-tasks")
    .getByRole("listitem")
    .filter({ hasText: taskId.slice(0, 8) });
  await expect(waiting.getByRole("link")).toHaveText(`${backend.name} ${taskId.slice(0, 8)}`);
  await expect(waiting).toContainText(/paused between groups .*, waiting for Continue/);
  await page.goto("/tasks?status=paused");
  await expect(
    page
      .getByTestId("task-row")
      .filter({ hasText: taskId.slice(0, 8) })
      .getByTestId("task-paused-since"),
  ).toContainText("paused between groups");
  await page.goto(taskUrl);

  await paused.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("dialog", { name: "Continue the rollout?" }).getByRole("button", { name: "Continue" }).click();
  await expect(page.getByTestId("task-status")).toHaveText("succeeded", { timeout: 150_000 });
  await expect(stages.nth(1)).toContainText("succeeded");
  await expect(page.getByTestId("task-log")).toContainText("continued by");
});
