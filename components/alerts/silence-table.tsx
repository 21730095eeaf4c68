// Silences, active ones first: their matchers, who made them, why, and until when.
import type { SilenceItem } from "@/server/alerts/silences";
import { DataTable, Th, tdClass, theadClass } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { ExpireSilenceButton } from "./expire-silence-button";

function matchers(s: SilenceItem): string {
  const parts = [
    s.ruleId ? `rule #${s.ruleId}` : "",
    s.kind ? `kind ${s.kind}` : "",
    s.scopeKind ? `scope ${s.scopeKind}${s.scopeId ? `:${s.scopeId}` : ""}` : "",
    s.subjectPattern ? `subject “${s.subjectPattern}”` : "",
  ];
  return parts.filter(Boolean).join(", ");
}

export function SilenceTable({ silences, canAct }: { silences: SilenceItem[]; canAct: boolean }) {
  return (
    <DataTable label="Silences">
      <thead className={theadClass}>
        <tr>
          <Th>Matches</Th>
          <Th>Reason</Th>
          <Th>By</Th>
          <Th>Ends</Th>
          {canAct ? <Th>Actions</Th> : null}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {silences.map((s) => (
          <tr key={s.id}>
            <td className={`${tdClass} min-w-48`}>{matchers(s)}</td>
            <td className={`${tdClass} min-w-40 break-words`}>{s.reason}</td>
            <td className={tdClass}>{s.createdBy}</td>
            <td className={`${tdClass} whitespace-nowrap`}>
              {s.active ? <StatusBadge status="silenced" /> : null} <RelativeTime date={s.endsAt} />
            </td>
            {canAct ? <td className={tdClass}>{s.active ? <ExpireSilenceButton id={s.id} /> : null}</td> : null}
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
