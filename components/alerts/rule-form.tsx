"use client";
// An admin's form for one alert rule: kind, one input per parameter of that kind (param-inputs.tsx),
// scope, severity, `for` and enabled (docs/alerts.md, "Rule kinds"). Kinds and scopes show their
// names in words; the API's identifier stays under each, for whoever scripts rules. The server
// checks everything and names a refused parameter in words under its input (server/alerts/param-errors.ts).
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Button, Field, Input, Select } from "@/components/ui/controls";
import { ErrorNote } from "@/components/ui/states";
import type { KindParamFields } from "@/server/alerts/rule-params";
import type { RuleItem } from "@/server/alerts/rules";
import {
  alertRuleKinds,
  alertScopeKinds,
  alertSeverities,
  ruleKindLabels,
  scopeKindLabels,
  type AlertRuleKindName,
} from "@/lib/alerts";
import { ParamInputs, paramsOf, paramValues } from "./param-inputs";

/** Each kind's parameter inputs, read by the page from the kinds' schemas (plain data). */
export type ParamFieldsByKind = Record<AlertRuleKindName, KindParamFields>;

export function RuleForm({
  rule,
  paramFields,
  onDone,
}: {
  rule?: RuleItem;
  paramFields: ParamFieldsByKind;
  onDone?: () => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [kind, setKind] = useState<AlertRuleKindName>(rule?.kind ?? "server_offline");
  const [scopeKind, setScopeKind] = useState<ScopeKind>(rule?.scopeKind ?? "all");
  const ids = `rule-${rule?.id ?? "new"}`;
  const [values, setValues] = useState(() =>
    paramValues(paramFields[kind].fields, rule?.params as Record<string, unknown> | undefined),
  );
  const done = () => (router.refresh(), onDone?.());
  const create = useMutation(trpc.alerts.createRule.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.alerts.updateRule.mutationOptions({ onSuccess: done }));
  const remove = useMutation(trpc.alerts.deleteRule.mutationOptions({ onSuccess: done }));
  const errors = formErrors(create.error ?? update.error ?? remove.error);
  const pending = create.isPending || update.isPending || remove.isPending;

  /** Another kind starts from its own defaults (its parameters are not the last kind's), and no old refusal. */
  function chooseKind(next: AlertRuleKindName) {
    setKind(next);
    setValues(paramValues(paramFields[next].fields));
    create.reset();
    update.reset();
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const params = paramsOf(paramFields[kind].fields, values);
    const scopeId = String(data.get("scopeId")).trim();
    const input = {
      name: String(data.get("name")),
      kind,
      params,
      scopeKind,
      scopeId: scopeId ? Number(scopeId) : null,
      severity: String(data.get("severity")) as (typeof alertSeverities)[number],
      forSeconds: Number(data.get("forSeconds")),
      enabled: data.get("enabled") === "on",
    };
    if (rule) update.mutate({ id: rule.id, rule: input });
    else create.mutate(input);
  }

  return (
    <form onSubmit={submit} className="grid gap-3 sm:grid-cols-2" aria-label={rule ? `Edit ${rule.name}` : "New rule"}>
      <Field label="Name" error={errors?.fields.name}>
        <Input name="name" required maxLength={120} defaultValue={rule?.name} autoComplete="off" />
      </Field>
      <div>
        <Field label="Kind">
          <Select
            name="kind"
            value={kind}
            onChange={(e) => chooseKind(e.target.value as AlertRuleKindName)}
            aria-describedby={`${ids}-kind`}
          >
            {alertRuleKinds.map((k) => (
              <option key={k} value={k}>
                {ruleKindLabels[k]}
              </option>
            ))}
          </Select>
        </Field>
        <ApiName id={`${ids}-kind`} name="kind" value={kind} />
      </div>
      <ParamInputs
        kind={paramFields[kind]}
        idPrefix={ids}
        values={values}
        errors={errors?.fields}
        onChange={(name, value) => setValues({ ...values, [name]: value })}
      />
      <div className="grid grid-cols-2 gap-2">
        <div>
          <Field label="Scope" error={errors?.fields.scopeKind}>
            <Select
              name="scopeKind"
              value={scopeKind}
              onChange={(e) => setScopeKind(e.target.value as ScopeKind)}
              aria-describedby={`${ids}-scope`}
            >
              {alertScopeKinds.map((s) => (
                <option key={s} value={s}>
                  {scopeKindLabels[s]}
                </option>
              ))}
            </Select>
          </Field>
          <ApiName id={`${ids}-scope`} name="scopeKind" value={scopeKind} />
        </div>
        <Field label="Scope id" error={errors?.fields.scopeId}>
          <Input name="scopeId" inputMode="numeric" pattern="[0-9]*" defaultValue={rule?.scopeId ?? ""} />
        </Field>
      </div>
      <div className="grid grid-cols-2 gap-2">
        <Field label="Severity">
          <Select name="severity" defaultValue={rule?.severity ?? "warning"}>
            {alertSeverities.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </Select>
        </Field>
        <Field label="For (seconds)" error={errors?.fields.forSeconds}>
          <Input name="forSeconds" type="number" min={0} max={604800} required defaultValue={rule?.forSeconds ?? 300} />
        </Field>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="enabled" defaultChecked={rule?.enabled ?? true} /> Enabled
      </label>
      <div className="flex flex-wrap gap-2 sm:col-span-2">
        <Button type="submit" disabled={pending}>
          {rule ? "Save" : "Create rule"}
        </Button>
        {rule ? (
          <ConfirmButton
            disabled={pending}
            ask={{
              title: `Delete the rule ${rule.name}?`,
              confirmLabel: "Delete",
              body: "Its alerts are deleted with it.",
            }}
            onConfirm={() => remove.mutate({ id: rule.id })}
          >
            Delete
          </ConfirmButton>
        ) : null}
      </div>
      {errors ? (
        <div className="sm:col-span-2">
          <ErrorNote>{errors.message}</ErrorNote>
        </div>
      ) : null}
    </form>
  );
}

type ScopeKind = (typeof alertScopeKinds)[number];

/** The identifier the API takes for a choice shown in words (docs/alerts.md's examples use it). */
function ApiName({ id, name, value }: { id: string; name: string; value: string }) {
  return (
    <p id={id} className="mt-1 text-xs text-slate-500">
      API: {name} <code className="break-all">{value}</code>
    </p>
  );
}

/** A row's "Edit" that opens the form below the table row. */
export function EditRule({ rule, paramFields }: { rule: RuleItem; paramFields: ParamFieldsByKind }) {
  const [open, setOpen] = useState(false);
  return (
    <div>
      <Button variant="secondary" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? "Close" : "Edit"}
      </Button>
      {open ? (
        <div className="mt-2 w-[min(36rem,80vw)] rounded-md border border-slate-200 p-3">
          <RuleForm rule={rule} paramFields={paramFields} onDone={() => setOpen(false)} />
        </div>
      ) : null}
    </div>
  );
}
