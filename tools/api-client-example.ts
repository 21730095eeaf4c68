// How an internal tool calls AC: a typed tRPC client with an API token (Admin → API tokens).
//   AC_URL=http://localhost:3000 AC_TOKEN=ac_... npx tsx tools/api-client-example.ts
// The types come from AC itself (`AppRouter`), so a renamed field breaks the tool's build,
// not its run.
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";
import { TRPC_MAX_BATCH } from "../lib/trpc-limits";
import type { AppRouter } from "../server/trpc/root";

const url = process.env.AC_URL ?? "http://localhost:3000";
const token = process.env.AC_TOKEN;
if (!token) {
  console.error("Set AC_TOKEN to an API token created under Admin → API tokens.");
  process.exit(2);
}

const ac = createTRPCClient<AppRouter>({
  links: [
    httpBatchLink({
      url: `${url}/api/trpc`,
      transformer: superjson,
      maxItems: TRPC_MAX_BATCH,
      headers: { authorization: `Bearer ${token}` },
    }),
  ],
});

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
