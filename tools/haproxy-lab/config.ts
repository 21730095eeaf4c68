// The lab's haproxy.cfg: backends only (nothing listens for clients), the runtime API on a unix
// socket in the lab's folder, short health checks so a closed port turns DOWN within a second,
// and a server-state file so drain / maint survive a reload as they do in production.
export type LabServer = {
  name: string;
  /** "ip:port" — what AC maps to an instance, and what HAProxy health-checks unless `check` says otherwise. */
  address: string;
  /** true (default): check the address; false: no check; or check another address/port (a stub that listens). */
  check?: boolean | { addr?: string; port?: number };
  weight?: number;
  maxconn?: number;
};
export type LabBackend = { name: string; servers: LabServer[] };
export type LabSpec = {
  backends: LabBackend[];
  /** Health-check interval in ms. */
  checkInterMs?: number;
  /** A listener for clients ("127.0.0.1:port") sending every request to one backend, round robin. */
  frontend?: { bind: string; backend: string };
  /** How long HAProxy waits for a server's (or a client's) next bytes; default 5000. */
  timeoutMs?: number;
};

const NAME = /^[A-Za-z0-9_.:-]+$/;

export function renderConfig(spec: LabSpec, paths: { socket: string; stateFile: string }): string {
  const inter = spec.checkInterMs ?? 200;
  const lines = [
    "global",
    `  stats socket ${paths.socket} mode 600 level admin`,
    `  server-state-file ${paths.stateFile}`,
    "defaults",
    "  mode http",
    "  timeout connect 500ms",
    `  timeout client ${spec.timeoutMs ?? 5000}ms`,
    `  timeout server ${spec.timeoutMs ?? 5000}ms`,
    "  load-server-state-from-file global",
    `  default-server inter ${inter} fastinter ${inter} downinter ${inter} rise 1 fall 1`,
  ];
  if (spec.frontend) {
    if (!/^127\.\d+\.\d+\.\d+:\d+$/.test(spec.frontend.bind) || !NAME.test(spec.frontend.backend))
      throw new Error(`frontend ${JSON.stringify(spec.frontend)}: bind a 127.x.x.x:port, name a backend`);
    lines.push("frontend fe_lab", `  bind ${spec.frontend.bind}`, `  default_backend ${spec.frontend.backend}`);
  }
  for (const backend of spec.backends) {
    if (!NAME.test(backend.name))
      throw new Error(`backend name ${JSON.stringify(backend.name)}: letters, digits and _ . : - only`);
    lines.push(`backend ${backend.name}`);
    for (const s of backend.servers) {
      if (!NAME.test(s.name))
        throw new Error(`server name ${JSON.stringify(s.name)}: letters, digits and _ . : - only`);
      const check = s.check ?? true;
      const options = [
        check === false ? "" : "check",
        typeof check === "object" && check.addr ? `addr ${check.addr}` : "",
        typeof check === "object" && check.port ? `port ${check.port}` : "",
        s.weight !== undefined ? `weight ${s.weight}` : "",
        s.maxconn !== undefined ? `maxconn ${s.maxconn}` : "",
      ].filter(Boolean);
      lines.push(`  server ${s.name} ${s.address} ${options.join(" ")}`.trimEnd());
    }
  }
  return `${lines.join("\n")}\n`;
}
