// How an internal tool calls AC: a typed tRPC client with an API token (Admin → API tokens).
//   AC_URL=http://localhost:3000 AC_TOKEN=ac_... npx tsx tools/api-client-example.ts
// The types come from AC itself (`AppRouter`), so a renamed field breaks the tool's build,
// not its run.
import { createTRPCClient } from "@trpc/client";
import type { AppRouter } from "../server/trpc/root";
import { acLinks } from "./trpc-links";

const url = process.env.AC_URL ?? "http://localhost:3000";
const token = process.env.AC_TOKEN;
if (!token) {
  console.error("Set AC_TOKEN to an API token created under Admin → API tokens.");
  process.exit(2);
}

// Queries and mutations batched (at most TRPC_MAX_BATCH calls per request), subscriptions over
// server-sent events with the same token (tools/trpc-links.ts; docs/api.md, "Subscriptions").
const ac = createTRPCClient<AppRouter>({ links: acLinks(url, token) });

const overview = await ac.system.overview.query();
console.log(`servers by status: ${JSON.stringify(overview.servers)}`);
console.log(`instances by status: ${JSON.stringify(overview.instances)}`);
console.log(`scheduler alive: ${overview.scheduler.alive}`);

// A bulk drain, for scripts (operator token; docs/haproxy.md, "Bulk actions and host maintenance"):
//   AC_DRAIN_SERVER_IDS=12,13,14 … npx tsx tools/api-client-example.ts
// Preview first: the count it names goes back with the start, so a selection that changed in
// between is refused instead of run. Then poll until no item is pending; partial failure is normal.
const drainIds = process.env.AC_DRAIN_SERVER_IDS?.split(",").map(Number);
if (drainIds) {
  const selection = { kind: "servers" as const, ids: drainIds };
  const preview = await ac.haproxy.bulkPreview.query({ selection, command: "drain" });
  console.log(`drain ${preview.count} HAProxy servers on ${preview.loadBalancers} load balancers`);
  const { id } = await ac.haproxy.bulkStart.mutate({ selection, command: "drain", expectedCount: preview.count });
  let status = await ac.haproxy.bulkStatus.query({ id });
  while (status.status === "running") {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    status = await ac.haproxy.bulkStatus.query({ id });
  }
  console.log(`bulk action ${id} ${status.status}: ${JSON.stringify(status.counts)}`);
  let afterId: number | undefined;
  do {
    const page = await ac.haproxy.bulkItems.query({ id, afterId, limit: 500 });
    for (const item of page.items)
      console.log(`  ${item.result} ${item.target} ${item.status ?? ""} ${item.error ?? ""}`);
    afterId = page.nextAfterId ?? undefined;
  } while (afterId !== undefined);
}

// Follow an update task's log as it is written (docs/api.md, "Subscriptions"):
//   AC_FOLLOW_TASK_ID=<uuid> … npx tsx tools/api-client-example.ts
// Each event's id is the log offset after it; the link resumes from the last one by itself after
// a dropped connection, and a script restarted later can pass it as `lastEventId`.
const followId = process.env.AC_FOLLOW_TASK_ID;
if (followId) {
  await new Promise<void>((resolve, reject) => {
    const subscription = ac.tasks.follow.subscribe(
      { id: followId },
      {
        onData: ({ data }) => {
          if (data.task)
            console.error(`[task ${data.task.status}, ${data.task.counts.stepsDone}/${data.task.counts.steps} steps]`);
          process.stdout.write(data.text);
        },
        onError: (error) => (subscription.unsubscribe(), reject(error)),
        onComplete: () => resolve(),
      },
    );
  });
  console.error("task finished");
}
