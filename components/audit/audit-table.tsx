// Audit rows as a table: the Audit page and each target's history (docs/audit.md). No hooks, so
// both server pages render it as is.
import Link from "next/link";
import { DataTable, Th, tdClass, theadClass } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import { EmptyState } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import { Words } from "@/components/ui/words";
import { auditTargetHref } from "@/lib/audit-targets";
import type { AuditRow } from "@/server/audit/queries";

type Change = { from: unknown; to: unknown };

/** Who a non-person actor is (docs/audit.md, "Fields"): `job:update-task` is AC acting for a task, say. */
const ACTOR_KIND_NOTE: Record<string, string> = {
  job: "AC itself (a background job)",
  token: "an API token",
};
const shown = (v: unknown) => (v === null || v === undefined ? "∅" : typeof v === "string" ? v : JSON.stringify(v));

function Changes({ changes }: { changes: unknown }) {
  if (!changes || typeof changes !== "object") return null;
  const entries = Object.entries(changes as Record<string, Change>);
  if (entries.length === 0) return null;
  return (
    <ul className="space-y-0.5 text-xs">
      {entries.map(([field, c]) => (
        <li key={field} className="break-words">
          <span className="font-medium">{field}</span>: {shown(c.from)} → {shown(c.to)}
        </li>
      ))}
    </ul>
  );
}

export function AuditTable({ rows, empty, compact = false }: { rows: AuditRow[]; empty: string; compact?: boolean }) {
  if (rows.length === 0) return <EmptyState title={empty} />;
  return (
    <DataTable label="Audit log">
      <thead className={theadClass}>
        <tr>
          <Th>When</Th>
          <Th>Who</Th>
          <Th>Action</Th>
          {compact ? null : <Th>Target</Th>}
          <Th>Outcome</Th>
          <Th>Changes</Th>
          {compact ? null : <Th>From</Th>}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((r) => {
          const href = auditTargetHref(r.targetType, r.targetId);
          const label = r.targetLabel ?? (r.targetId ? `${r.targetType} #${r.targetId}` : (r.targetType ?? "—"));
          return (
            <tr key={r.id} data-testid="audit-row">
              <td className={`${tdClass} whitespace-nowrap`}>
                <RelativeTime date={r.createdAt} />
              </td>
              <td className={tdClass}>
                <Words>{r.actorName}</Words>
                {ACTOR_KIND_NOTE[r.actorKind] ? (
                  <span className="block text-xs text-slate-500">{ACTOR_KIND_NOTE[r.actorKind]}</span>
                ) : null}
                {r.taskId ? (
                  <Link href={`/tasks/${r.taskId}`} className="block text-xs text-sky-800 hover:underline">
                    update task
                  </Link>
                ) : null}
              </td>
              <td className={`${tdClass} whitespace-nowrap font-mono text-xs`}>{r.action}</td>
              {compact ? null : (
                <td className={`${tdClass} text-xs`}>
                  <span className="block text-slate-500">{r.targetType}</span>
                  {href ? (
                    <Link href={href} className="text-sky-800 hover:underline">
                      {label}
                    </Link>
                  ) : (
                    <Words>{label}</Words>
                  )}
                </td>
              )}
              <td className={tdClass}>
                <StatusBadge status={r.outcome === "failure" ? "failed" : r.outcome} />
                {r.error ? <span className="block max-w-xs break-words text-xs text-slate-600">{r.error}</span> : null}
              </td>
              <td className={`${tdClass} min-w-64 max-w-sm`}>
                <Changes changes={r.changes} />
              </td>
              {compact ? null : (
                <td className={`${tdClass} text-xs text-slate-600`}>
                  {r.clientAddress ?? "—"}
                  {r.userAgent ? (
                    <span className="block max-w-[12rem] truncate" title={r.userAgent}>
                      {r.userAgent}
                    </span>
                  ) : null}
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </DataTable>
  );
}
