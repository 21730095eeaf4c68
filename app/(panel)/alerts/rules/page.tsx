import { AlertTabs } from "@/components/alerts/alert-tabs";
import { EditRule, RuleForm } from "@/components/alerts/rule-form";
import { DataTable, Th, tdClass, theadClass } from "@/components/ui/data-table";
import { StatusBadge } from "@/components/ui/status-badge";
import { Card, EmptyState, PageHeader } from "@/components/ui/states";
import { formatSeconds, ruleKindLabels, scopeKindLabels } from "@/lib/alerts";
import { paramFields, type ParamField } from "@/server/alerts/rule-params";
import { can } from "@/server/auth/current-actor";
import { api } from "@/server/trpc/server-caller";

export const metadata = { title: "Alert rules" };

/** Every rule (a bounded, admin-made list); admins edit them here. */
export default async function AlertRulesPage() {
  const [{ rules }, canEdit] = await Promise.all([(await api()).alerts.rules(), can("alerts.manage")]);
  return (
    <>
      <PageHeader title="Alert rules" />
      <AlertTabs current="rules" />
      {canEdit ? (
        <div className="mb-6">
          <Card title="New rule">
            <RuleForm paramFields={paramFields} />
          </Card>
        </div>
      ) : null}
      {rules.length === 0 ? (
        <EmptyState title="No rules">{canEdit ? "Create one above." : "An admin creates them."}</EmptyState>
      ) : (
        <DataTable label="Alert rules">
          <thead className={theadClass}>
            <tr>
              <Th>Name</Th>
              <Th>Kind and parameters</Th>
              <Th>Scope</Th>
              <Th>Severity</Th>
              <Th>For</Th>
              <Th>State</Th>
              {canEdit ? <Th>Actions</Th> : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rules.map((r) => (
              <tr key={r.id}>
                <td className={`${tdClass} font-medium`}>{r.name}</td>
                <td className={tdClass}>
                  <div>{ruleKindLabels[r.kind]}</div>
                  <code className="block text-xs text-slate-500">{r.kind}</code>
                  <ParamSummary fields={paramFields[r.kind].fields} params={r.params} />
                </td>
                <td className={tdClass}>
                  <div className="whitespace-nowrap">
                    {scopeKindLabels[r.scopeKind]}
                    {r.scopeKind === "all" ? null : ` ${r.scopeId}`}
                  </div>
                  <code className="text-xs text-slate-500">{r.scopeKind}</code>
                </td>
                <td className={tdClass}>
                  <StatusBadge status={r.severity} />
                </td>
                <td className={`${tdClass} whitespace-nowrap`}>{formatSeconds(r.forSeconds)}</td>
                <td className={tdClass}>{r.enabled ? "enabled" : "disabled"}</td>
                {canEdit ? (
                  <td className={tdClass}>
                    <EditRule rule={r} paramFields={paramFields} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </>
  );
}

const valueText = (value: unknown) => (Array.isArray(value) ? value.join(", ") : String(value));

/** A rule's parameters as the form labels them ("Lowest % online: 50"), not as JSON. */
function ParamSummary({ fields, params }: { fields: ParamField[]; params: unknown }) {
  const values = (params ?? {}) as Record<string, unknown>;
  const shown = fields.filter((f) => values[f.name] !== undefined);
  if (shown.length === 0) return null;
  return (
    <div className="text-xs text-slate-500">
      {shown.map((f) => `${f.label}: ${valueText(values[f.name])}`).join(" · ")}
    </div>
  );
}
