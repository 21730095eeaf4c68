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
