// Which application instance an HAProxy server stands for, decided from its address alone:
// host (its IP, or its name up to the first dot) → the AC server with that IP or name → the
// instance there listening on the address's port, else the one whose group is named like the
// backend or the server. Anything ambiguous or missing stays unmapped, with the reason.
import { isIP } from "node:net";

export type MappingServer = { id: number; name: string; ip: string };
export type MappingInstance = {
  id: number;
  serverId: number;
  instanceName: string;
  port: number | null;
  groupName: string | null;
};
export type MappingSubject = { address: string | null; backendName: string; serverName: string };
export type MappingResult = { instanceId: number; note: string } | { instanceId: null; note: string };

/** "10.0.0.1:8080", "web1.dc1:8080", "[::1]:8080", "web1" → host and port (null when absent). */
export function splitAddress(address: string | null): { host: string; port: number | null } | null {
  const a = address?.trim();
  if (!a || a.includes("@") || a.startsWith("/")) return null; // unix@/path, abns@name: no host
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(a);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ? Number(bracketed[2]) : null };
  if (isIP(a) === 6) return { host: a, port: null };
  const m = /^(.*?)(?::(\d+))?$/.exec(a)!;
  return m[1] ? { host: m[1], port: m[2] ? Number(m[2]) : null } : null;
}

/** The AC servers an address's host names: by IP, or by name (short or full). */
export function hostMatches(host: string, servers: readonly MappingServer[]): MappingServer[] {
  if (isIP(host)) return servers.filter((s) => s.ip === host);
  const full = host.toLowerCase();
  const short = full.split(".")[0]!;
  return servers.filter((s) => s.name.toLowerCase() === short || s.name.toLowerCase() === full);
}

/** Backend and server names as a group might be called: "be_web" → "web", "web-2" → "web". */
export function nameVariants(backendName: string, serverName: string): Set<string> {
  const b = backendName.toLowerCase();
  const s = serverName.toLowerCase();
  const stripped = b.replace(/^(be|bk|backend)[_-]/, "").replace(/[_-](be|bk|backend|pool|servers?)$/, "");
  return new Set([b, stripped, s, s.replace(/[_-]?\d+$/, "")].filter(Boolean));
}

const names = (list: readonly MappingInstance[]) =>
  list
    .map((i) => i.instanceName)
    .sort()
    .join(", ");

export function resolveMapping(
  subject: MappingSubject,
  servers: readonly MappingServer[],
  instancesOf: (serverId: number) => readonly MappingInstance[],
): MappingResult {
  const addr = splitAddress(subject.address);
  if (!addr) return { instanceId: null, note: `address ${JSON.stringify(subject.address ?? "")} names no host` };
  const hosts = hostMatches(addr.host, servers);
  if (hosts.length === 0) return { instanceId: null, note: `no AC server named or addressed ${addr.host}` };
  if (hosts.length > 1)
    return {
      instanceId: null,
      note: `ambiguous: ${addr.host} matches servers ${hosts
        .map((s) => s.name)
        .sort()
        .join(", ")}`,
    };
  const server = hosts[0]!;
  const instances = instancesOf(server.id);
  const variants = nameVariants(subject.backendName, subject.serverName);
  const byGroup = (list: readonly MappingInstance[]) =>
    list.filter((i) => i.groupName !== null && variants.has(i.groupName.toLowerCase()));

  const onPort = addr.port === null ? [] : instances.filter((i) => i.port === addr.port);
  if (onPort.length === 1) return { instanceId: onPort[0]!.id, note: `${server.name} port ${addr.port}` };
  if (onPort.length > 1) {
    // Several listen on that port (containers report their inner port): the group name decides.
    const narrowed = byGroup(onPort);
    if (narrowed.length === 1)
      return { instanceId: narrowed[0]!.id, note: `${server.name} port ${addr.port}, group ${narrowed[0]!.groupName}` };
    return {
      instanceId: null,
      note: `ambiguous: ${onPort.length} instances on ${server.name} listen on port ${addr.port} (${names(onPort)})`,
    };
  }
  const grouped = byGroup(instances);
  if (grouped.length === 1)
    return { instanceId: grouped[0]!.id, note: `${server.name}, group ${grouped[0]!.groupName}` };
  if (grouped.length > 1)
    return {
      instanceId: null,
      note: `ambiguous: ${grouped.length} instances on ${server.name} in a group named like ${subject.backendName}/${subject.serverName} (${names(grouped)})`,
    };
  const port = addr.port === null ? "" : ` listens on port ${addr.port} or`;
  return {
    instanceId: null,
    note: `no instance on ${server.name}${port} belongs to a group named like ${subject.backendName} or ${subject.serverName}`,
  };
}
