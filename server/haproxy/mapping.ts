// Mapping HAProxy servers to application instances: auto-mapping after each sync (rules in
// mapping-rules.ts) and an operator's manual mapping, which auto-mapping never overwrites.
import { changesOf } from "../audit/changes";
import type { AuditSink } from "../audit/recorder";
import { db } from "../db";
import { AppError, notFound } from "../errors";
import { resolveMapping, splitAddress, hostMatches, type MappingInstance } from "./mapping-rules";

export type AutoMapCounts = { considered: number; mapped: number; unmapped: number; changed: number };

/** Auto-maps the live, not manually mapped servers of one HAProxy instance (or the given servers). */
export async function autoMap(where: { instanceId: number } | { serverIds: number[] }): Promise<AutoMapCounts> {
  const subjects = await db().hAProxyServer.findMany({
    where: {
      removedAt: null,
      OR: [{ mappingType: null }, { mappingType: "auto" }],
      ...("instanceId" in where
        ? { backend: { haproxyInstanceId: where.instanceId } }
        : { id: { in: where.serverIds } }),
    },
    select: {
      id: true,
      address: true,
      serverName: true,
      applicationInstanceId: true,
      mappingNote: true,
      backend: { select: { backendName: true } },
    },
  });
  const counts: AutoMapCounts = { considered: subjects.length, mapped: 0, unmapped: 0, changed: 0 };
  if (subjects.length === 0) return counts;

  const servers = await db().server.findMany({ select: { id: true, name: true, ip: true } });
  // Only the instances of servers some address names are loaded.
  const hostServerIds = new Set<number>();
  for (const s of subjects) {
    const addr = splitAddress(s.address);
    if (addr) for (const server of hostMatches(addr.host, servers)) hostServerIds.add(server.id);
  }
  const instances = await db().applicationInstance.findMany({
    where: { serverId: { in: [...hostServerIds] } },
    select: { id: true, serverId: true, instanceName: true, port: true, group: { select: { name: true } } },
  });
  const byServer = new Map<number, MappingInstance[]>();
  for (const i of instances) {
    const list = byServer.get(i.serverId) ?? [];
    list.push({
      id: i.id,
      serverId: i.serverId,
      instanceName: i.instanceName,
      port: i.port,
      groupName: i.group?.name ?? null,
    });
    byServer.set(i.serverId, list);
  }

  const changes: { id: number; instanceId: number | null; note: string }[] = [];
  for (const s of subjects) {
    const result = resolveMapping(
      { address: s.address, backendName: s.backend.backendName, serverName: s.serverName },
      servers,
      (id) => byServer.get(id) ?? [],
    );
    if (result.instanceId === null) counts.unmapped++;
    else counts.mapped++;
    if (result.instanceId !== s.applicationInstanceId || result.note !== s.mappingNote)
      changes.push({ id: s.id, ...result });
  }
  counts.changed = changes.length;
  if (changes.length) {
    // A manual mapping made while this ran wins: the guard skips it. The time is passed, not SQL's
    // now(), which into a timestamp column is the session's local time (docs/architecture.md).
    await db().$executeRaw`
      UPDATE haproxy_servers AS s SET
        application_instance_id = v.instance_id,
        mapping_type = CASE WHEN v.instance_id IS NULL THEN NULL ELSE 'auto'::"MappingType" END,
        mapping_note = v.note, updated_at = ${new Date()}::timestamp(3)
      FROM unnest(${changes.map((c) => c.id)}::int[], ${changes.map((c) => c.instanceId)}::int[], ${changes.map((c) => c.note)}::text[])
        AS v(id, instance_id, note)
      WHERE s.id = v.id AND s.mapping_type IS DISTINCT FROM 'manual'`;
  }
  return counts;
}

/** What a mapping change shows in the audit row: the instance before → after. */
const mappingAudit = (s: { applicationInstanceId: number | null; mappingType: string | null }) => ({
  applicationInstanceId: s.applicationInstanceId,
  mappingType: s.mappingType,
});
const mappedAudit = (s: { applicationInstance: { id: number } | null; mappingType: string | null }) =>
  mappingAudit({ applicationInstanceId: s.applicationInstance?.id ?? null, mappingType: s.mappingType });

export async function mapServer(haproxyServerId: number, instanceId: number, actor: string, audit?: AuditSink) {
  const [server, instance] = await Promise.all([
    db().hAProxyServer.findUnique({
      where: { id: haproxyServerId },
      select: { id: true, applicationInstanceId: true, mappingType: true },
    }),
    db().applicationInstance.findUnique({
      where: { id: instanceId },
      select: { id: true, instanceName: true, server: { select: { name: true } } },
    }),
  ]);
  if (!server) throw notFound("HAProxy server");
  if (!instance) throw new AppError("BAD_REQUEST", `Application instance ${instanceId} does not exist`);
  return db().$transaction(async (tx) => {
    const after = await tx.hAProxyServer.update({
      where: { id: haproxyServerId },
      data: { applicationInstanceId: instanceId, mappingType: "manual", mappingNote: `manual, by ${actor}` },
      select: mappingSelect,
    });
    const changes = changesOf(mappingAudit(server), mappedAudit(after));
    await audit?.record(tx, { target: { type: "haproxy_server", id: haproxyServerId }, changes });
    return after;
  });
}

/** Removes a manual (or auto) mapping; auto-mapping then decides again, at once. */
export async function unmapServer(haproxyServerId: number, actor: string, audit?: AuditSink) {
  const server = await db().hAProxyServer.findUnique({
    where: { id: haproxyServerId },
    select: { id: true, applicationInstanceId: true, mappingType: true },
  });
  if (!server) throw notFound("HAProxy server");
  await db().hAProxyServer.update({
    where: { id: haproxyServerId },
    data: { applicationInstanceId: null, mappingType: null, mappingNote: `mapping removed by ${actor}` },
  });
  await autoMap({ serverIds: [haproxyServerId] });
  const after = await db().hAProxyServer.findUniqueOrThrow({ where: { id: haproxyServerId }, select: mappingSelect });
  // Two steps (auto-mapping runs its own statements): the row says where the mapping ended up.
  const changes = changesOf(mappingAudit(server), mappedAudit(after));
  await audit?.record(db(), { target: { type: "haproxy_server", id: haproxyServerId }, changes });
  return after;
}

export const mappingSelect = {
  id: true,
  mappingType: true,
  mappingNote: true,
  applicationInstance: {
    select: { id: true, instanceName: true, status: true, server: { select: { id: true, name: true } } },
  },
} as const;

/**
 * Instances an operator may map a server to: those on the AC server its address names first,
 * then any whose name contains `q`.
 */
export async function mappingCandidates(haproxyServerId: number, q: string | undefined) {
  const subject = await db().hAProxyServer.findUnique({ where: { id: haproxyServerId }, select: { address: true } });
  if (!subject) throw notFound("HAProxy server");
  const addr = splitAddress(subject.address);
  const hosts = addr
    ? hostMatches(addr.host, await db().server.findMany({ select: { id: true, name: true, ip: true } }))
    : [];
  const select = {
    id: true,
    instanceName: true,
    port: true,
    status: true,
    server: { select: { id: true, name: true } },
    group: { select: { name: true } },
  } as const;
  const [near, found] = await Promise.all([
    hosts.length
      ? db().applicationInstance.findMany({
          where: { serverId: { in: hosts.map((h) => h.id) } },
          select,
          orderBy: { instanceName: "asc" },
          take: 50,
        })
      : [],
    q
      ? db().applicationInstance.findMany({
          where: { instanceName: { contains: q, mode: "insensitive" } },
          select,
          orderBy: { instanceName: "asc" },
          take: 50,
        })
      : [],
  ]);
  const seen = new Set<number>();
  return [...near, ...found]
    .filter((i) => !seen.has(i.id) && seen.add(i.id))
    .map((i) => ({ ...i, onAddressHost: hosts.some((h) => h.id === i.server.id) }));
}
