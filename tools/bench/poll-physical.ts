// The physical floor of a poll cycle (docs/performance.md, "Polling"): plain Node fetching what the
// poller fetches from every agent (/ping, then /api/v1/apps) and JSON.parse-ing each reply, all
// agents at once; no AC client, no byte budget, no validation, no database. Every ratio of the
// benchmark is taken against it.
import fs from "node:fs";
import http from "node:http";
import pLimit from "p-limit";

type Target = { ip: string; port: number; agentToken: string | null };

/** Descriptors the rest of the process may need (PostgreSQL, IPC, files) beside the agents' sockets. */
const SPARE_DESCRIPTORS = 1000;

/**
 * Agents fetched at once: all of them, unless the process may not open that many sockets
 * (`ulimit -n`, which an unprivileged container cannot raise); then as many as it may.
 */
export function physicalConcurrency(servers: number): number {
  const limits = fs.readFileSync("/proc/self/limits", "utf8");
  const soft = Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1] ?? Infinity);
  return Math.max(1, Math.min(servers, soft - SPARE_DESCRIPTORS));
}

function getJson(agent: http.Agent, target: Target, path: string, tokenHeader: string): Promise<unknown> {
  const headers: http.OutgoingHttpHeaders = { accept: "application/json" };
  if (target.agentToken) headers[tokenHeader] = target.agentToken;
  return new Promise((resolve, reject) => {
    const req = http.get({ host: target.ip, port: target.port, path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        if (res.statusCode !== 200) return reject(new Error(`${target.ip}: HTTP ${res.statusCode} on ${path}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the agent closed meanwhile (its idle timeout passes while thousands of
      // replies queue on this event loop): sent again once on a fresh one, as AC's client does.
      if (req.reusedSocket && error.code === "ECONNRESET") resolve(getJson(agent, target, path, tokenHeader));
      else reject(error);
    });
  });
}

/** Fetches and parses every agent; returns the failures' messages. */
export async function physicalFloor(targets: Target[], tokenHeader: string): Promise<string[]> {
  const limit = pLimit(physicalConcurrency(targets.length));
  const settled = await Promise.allSettled(
    targets.map((target) =>
      limit(async () => {
        // One kept-alive socket per agent for its two requests, closed after: as the poller does.
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        try {
          await getJson(agent, target, "/ping", tokenHeader);
          await getJson(agent, target, "/api/v1/apps", tokenHeader);
        } finally {
          agent.destroy();
        }
      }),
    ),
  );
  return settled.flatMap((s) => (s.status === "rejected" ? [String((s.reason as Error).message ?? s.reason)] : []));
}
