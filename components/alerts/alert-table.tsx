// The alerts of one view as a table; operators get acknowledge and silence per row.
import type { AlertItem } from "@/server/alerts/alert-list";
import { DataTable, Th, tdClass, theadClass } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { Words } from "@/components/ui/words";
import { ruleKindLabels } from "@/lib/alerts";
import { AlertActions } from "./alert-actions";

export function AlertTable({ alerts, canAct }: { alerts: AlertItem[]; canAct: boolean }) {
  return (
    <DataTable label="Alerts">
      <thead className={theadClass}>
        <tr>
          <Th>Severity</Th>
          <Th>Subject</Th>
          <Th>Rule</Th>
          <Th>State</Th>
          <Th>Since</Th>
          {canAct ? <Th>Actions</Th> : null}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {alerts.map((a) => (
          <tr key={a.id}>
            <td className={tdClass}>
              <StatusBadge status={a.severity} />
            </td>
            <td className={`${tdClass} min-w-48`}>
              <div className="font-medium text-slate-900">
                <Words>{a.subjectLabel}</Words>
              </div>
              {a.detail ? <div className="break-words text-xs text-slate-500">{a.detail}</div> : null}
            </td>
            <td className={tdClass}>
              <div>{a.rule}</div>
              <div className="text-xs text-slate-500">{ruleKindLabels[a.kind]}</div>
            </td>
            <td className={tdClass}>
              <StatusBadge status={a.silenced && a.state === "firing" ? "silenced" : a.state} />
              {a.acknowledgedAt ? (
                <div className="mt-1 text-xs text-slate-500">acknowledged by {a.acknowledgedBy}</div>
              ) : null}
            </td>
            <td className={`${tdClass} whitespace-nowrap`}>
              <RelativeTime date={a.state === "resolved" ? a.resolvedAt : (a.firedAt ?? a.pendingSince)} />
            </td>
            {canAct ? (
              <td className={tdClass}>
                {a.state === "resolved" ? null : (
                  <AlertActions
                    id={a.id}
                    ruleId={a.ruleId}
                    rule={a.rule}
                    subjectLabel={a.subjectLabel}
                    acknowledged={a.acknowledgedAt !== null}
                  />
                )}
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
