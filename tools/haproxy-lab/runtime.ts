// HAProxy's runtime API (the stats socket, level admin): one command per connection, the answer
// is everything HAProxy writes before it closes. Used by the lab, the simulator's real mode and
// the tests, which check HAProxy itself rather than what AC believes.
import net from "node:net";
import type { WireHaproxyServer } from "../../server/agent/haproxy-contract";

export async function runtimeCommand(socket: string, line: string, timeoutMs = 2_000): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const conn = net.createConnection(socket);
    let answer = "";
    conn.setTimeout(timeoutMs, () =>
      conn.destroy(new Error(`HAProxy did not answer "${line}" within ${timeoutMs} ms`)),
    );
    conn.on("connect", () => conn.write(`${line}\n`));
    conn.on("data", (chunk) => (answer += chunk.toString()));
    conn.on("end", () => resolve(answer));
    conn.on("error", reject);
  });
}

export type StatRow = Record<string, string>;

/** `show stat` as rows keyed by its header's column names (pxname, svname, status, addr ...). */
export async function showStat(socket: string, scope = ""): Promise<StatRow[]> {
  const text = await runtimeCommand(socket, `show stat${scope ? ` ${scope}` : ""}`);
  const [header, ...lines] = text.split("\n").filter((l) => l.trim() !== "");
  // An error ("No such proxy.") comes instead of the CSV header.
  if (!header?.startsWith("# ")) throw new Error(text.trim() || "HAProxy gave an empty answer to show stat");
  const columns = header.slice(2).split(",");
  return lines.map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? ""]));
  });
}

export async function backendNames(socket: string): Promise<string[]> {
  const rows = await showStat(socket, "-1 2 -1"); // type 2: backends only
  return rows.filter((r) => r.svname === "BACKEND").map((r) => r.pxname!);
}

const int = (v: string | undefined) => (v === undefined || v === "" ? null : Number(v));

/** One backend's servers in the agent's shape; throws "No such proxy." for an unknown backend. */
export async function backendServers(socket: string, backend: string): Promise<WireHaproxyServer[]> {
  if (!/^[\w.:-]+$/.test(backend)) throw new Error(`No such proxy: ${backend}`);
  const rows = await showStat(socket, `${backend} 4 -1`);
  return rows.map((r) => ({
    name: r.svname!,
    address: r.addr || null,
    status: r.status || null,
    weight: int(r.weight),
    current_sessions: int(r.scur),
    max_sessions: int(r.slim),
  }));
}

export type ServerState = "drain" | "ready" | "maint";

/** `set server <backend>/<server> state …`; HAProxy answers nothing on success, the reason otherwise. */
export async function setServerState(
  socket: string,
  backend: string,
  server: string,
  state: ServerState,
): Promise<void> {
  if (!/^[\w.:-]+$/.test(backend) || !/^[\w.:-]+$/.test(server)) throw new Error("No such server.");
  const answer = (await runtimeCommand(socket, `set server ${backend}/${server} state ${state}`)).trim();
  if (answer) throw new Error(answer);
}

/** Server name → status as `show stat` reports it, for one backend. */
export async function serverStates(socket: string, backend: string): Promise<Map<string, string>> {
  return new Map((await backendServers(socket, backend)).map((s) => [s.name, s.status ?? ""]));
}
