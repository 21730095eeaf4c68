// What an alert rule or silence is scoped to must exist when it is saved: a rule scoped to a
// mistyped id would watch nothing and never say so (docs/alerts.md, "Rule kinds").
import { db } from "../db";
import { AppError } from "../errors";
import type { AlertScopeKind } from "../generated/prisma/enums";

const exists: Record<Exclude<AlertScopeKind, "all">, (id: number) => Promise<unknown>> = {
  catalog: (id) => db().applicationCatalog.findUnique({ where: { id }, select: { id: true } }),
  group: (id) => db().applicationGroup.findUnique({ where: { id }, select: { id: true } }),
  server: (id) => db().server.findUnique({ where: { id }, select: { id: true } }),
  haproxy_instance: (id) => db().hAProxyInstance.findUnique({ where: { id }, select: { id: true } }),
  haproxy_backend: (id) => db().hAProxyBackend.findUnique({ where: { id }, select: { id: true } }),
};

const names: Record<Exclude<AlertScopeKind, "all">, string> = {
  catalog: "catalog entry",
  group: "group",
  server: "server",
  haproxy_instance: "HAProxy instance",
  haproxy_backend: "HAProxy backend",
};

/** Throws BAD_REQUEST naming the scope when its id names nothing. */
export async function checkScopeExists(scopeKind: AlertScopeKind | null, scopeId: number | null): Promise<void> {
  if (scopeKind === null || scopeKind === "all" || scopeId === null) return;
  if (!(await exists[scopeKind](scopeId)))
    throw new AppError("BAD_REQUEST", `There is no ${names[scopeKind]} with id ${scopeId} to scope to`);
}
