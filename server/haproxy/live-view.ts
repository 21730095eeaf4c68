// Backends of one instance as the agent reports them right now (through the breaker and the
// TTL cache), for the server page's HAProxy dialog. When the agent cannot be read, the last
// synced state is returned instead, with the reason.
import pLimit from "p-limit";
import { db } from "../db";
import { notFound } from "../errors";
import { backendMatcher } from "./backend-filter";
import { instanceTargetSelect, readBackends, readServers } from "./live";
import { bucket, listBackends, type StatusCounts } from "./queries";
import { haproxyOptions } from "./settings";
import { errorMessage } from "../../lib/errors";

export type BackendStats = { name: string; servers: StatusCounts; sessions: number | null };

export async function liveBackends(
  instanceId: number,
): Promise<{ source: "live" | "stored"; error: string | null; backends: BackendStats[] }> {
  const instance = await db().hAProxyInstance.findUnique({
    where: { id: instanceId },
    select: { ...instanceTargetSelect, backendFilter: true },
  });
  if (!instance) throw notFound("HAProxy instance");
  const o = haproxyOptions();
  try {
    if (!o.enabled) throw new Error("the HAProxy module is turned off");
    const names = (await readBackends(instance)).filter(backendMatcher(instance.backendFilter));
    const limit = pLimit(o.serverReadConcurrency);
    const backends = await Promise.all(
      names.map((name) =>
        limit(async () => {
          const servers = await readServers(instance, name);
          const sessions = servers.reduce((sum, s) => sum + (s.currentSessions ?? 0), 0);
          return { name, servers: bucket(servers.map((s) => ({ status: s.status, n: 1 }))), sessions };
        }),
      ),
    );
    return { source: "live", error: null, backends };
  } catch (error) {
    const stored = await listBackends({ instanceId, includeRemoved: false });
    return {
      source: "stored",
      error: errorMessage(error),
      backends: stored.backends.map((b) => ({ name: b.backendName, servers: b.servers, sessions: null })),
    };
  }
}
