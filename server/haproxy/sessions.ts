// Current sessions of some HAProxy servers, read fresh from HAProxy through their agents (one
// read per backend, however many of its servers are asked for). The update task's drain step
// waits on it (server/tasks/drain-wait.ts, docs/update-tasks.md "Waiting for sessions").
import { db } from "../db";
import { instanceTargetSelect, readServers } from "./live";

/** HAProxy server id → its current sessions; null when HAProxy did not list it or the read failed (`errors` says why). */
export type SessionCounts = { counts: Map<number, number | null>; errors: string[] };

export async function currentSessions(haproxyServerIds: number[]): Promise<SessionCounts> {
  const rows = await db().hAProxyServer.findMany({
    where: { id: { in: haproxyServerIds } },
    select: {
      id: true,
      serverName: true,
      backend: { select: { backendName: true, instance: { select: instanceTargetSelect } } },
    },
  });
  const counts = new Map<number, number | null>(haproxyServerIds.map((id) => [id, null]));
  const errors: string[] = [];
  const byBackend = new Map<string, typeof rows>();
  for (const row of rows) {
    const key = `${row.backend.instance.id}\n${row.backend.backendName}`;
    byBackend.set(key, [...(byBackend.get(key) ?? []), row]);
  }
  await Promise.all(
    [...byBackend.values()].map(async (servers) => {
      const { backendName, instance } = servers[0]!.backend;
      try {
        const live = await readServers(instance, backendName, { fresh: true });
        for (const row of servers)
          counts.set(row.id, live.find((s) => s.name === row.serverName)?.currentSessions ?? null);
      } catch (error) {
        errors.push(`${instance.name}/${backendName}: ${(error as Error).message}`);
      }
    }),
  );
  return { counts, errors };
}
