"use client";
// The rule form's parameters: one labelled input per parameter of the chosen kind, as the page read
// them from the kind's schema (server/alerts/rule-params.ts), so bounds, defaults, labels and help
// are written once. The server's refusal of a value (AppError.fields "params.<name>") sits under it.
import { inputClass } from "@/components/ui/controls";
import type { KindParamFields, ParamField } from "@/server/alerts/rule-params";

/** The inputs' values: a number field's text, a list's checked options. */
export type ParamValues = Record<string, string | string[]>;

/** A saved rule's parameters, or else the kind's defaults, as the inputs hold them. */
export function paramValues(fields: ParamField[], saved?: Record<string, unknown>): ParamValues {
  return Object.fromEntries(
    fields.map((f) => {
      const value = saved?.[f.name] ?? f.default;
      if (f.type === "list") return [f.name, Array.isArray(value) ? value.map(String) : []];
      return [f.name, typeof value === "number" ? String(value) : ""];
    }),
  );
}

/** What the API takes: numbers as numbers; an empty number is left out (its default applies). */
export function paramsOf(fields: ParamField[], values: ParamValues): Record<string, unknown> {
  return Object.fromEntries(
    fields.flatMap((f): [string, unknown][] => {
      const value = values[f.name] ?? "";
      if (f.type === "list" || Array.isArray(value)) return [[f.name, value]];
      return value.trim() === "" ? [] : [[f.name, Number(value)]];
    }),
  );
}

function helpText(f: ParamField): string {
  if (f.type === "list") return `${f.help} Default: ${f.default.join(", ")}.`;
  const range = f.min !== undefined && f.max !== undefined ? ` ${f.min}–${f.max}` : "";
  return `${f.help}${range}${f.default !== undefined ? `, default ${f.default}` : ", optional"}.`;
}

type InputProps = {
  field: ParamField;
  id: string;
  value: string | string[];
  error?: string;
  onChange: (value: string | string[]) => void;
};

function Help({ id, field, error }: { id: string; field: ParamField; error?: string }) {
  return (
    <>
      <p id={`${id}-help`} className="mt-1 text-xs text-slate-500">
        {helpText(field)} API: <code>{field.name}</code>
      </p>
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </>
  );
}

const describedBy = (id: string, error?: string) => `${id}-help${error ? ` ${id}-error` : ""}`;

function NumberInput({ field, id, value, error, onChange }: InputProps & { field: { type: "number" } }) {
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700">
        {field.label}
      </label>
      <input
        id={id}
        type="number"
        inputMode={field.integer ? "numeric" : "decimal"}
        min={field.min}
        max={field.max}
        step={field.integer ? 1 : "any"}
        className={inputClass}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error)}
      />
      <Help id={id} field={field} error={error} />
    </div>
  );
}

function ListInput({ field, id, value, error, onChange }: InputProps & { field: { type: "list" } }) {
  const checked = Array.isArray(value) ? value : [];
  const toggle = (option: string, on: boolean) =>
    onChange(field.options.filter((o) => (o === option ? on : checked.includes(o))));
  return (
    <fieldset className="min-w-0" aria-describedby={describedBy(id, error)}>
      <legend className="mb-1 text-sm font-medium text-slate-700">{field.label}</legend>
      <div className="flex flex-wrap gap-x-4 gap-y-1">
        {field.options.map((option) => (
          <label key={option} className="flex items-center gap-1.5 text-sm">
            <input
              type="checkbox"
              checked={checked.includes(option)}
              onChange={(e) => toggle(option, e.target.checked)}
              aria-invalid={error ? true : undefined}
            />
            {option}
          </label>
        ))}
      </div>
      <Help id={id} field={field} error={error} />
    </fieldset>
  );
}

/** `errors` are the form's field messages: "params.<name>" for one input, "params" for the whole. */
export function ParamInputs({
  kind,
  idPrefix,
  values,
  errors = {},
  onChange,
}: {
  kind: KindParamFields;
  idPrefix: string;
  values: ParamValues;
  errors?: Record<string, string>;
  onChange: (name: string, value: string | string[]) => void;
}) {
  const { fields, note } = kind;
  const id = `${idPrefix}-params`;
  const whole = errors.params;
  return (
    <fieldset className="min-w-0 sm:col-span-2" aria-describedby={describedBy(id, whole)}>
      <legend className="text-sm font-medium text-slate-700">Parameters</legend>
      <p id={`${id}-help`} className="mb-2 text-xs text-slate-500">
        {fields.length === 0 ? "This kind takes none." : (note ?? "Leave a number empty for its default.")}
      </p>
      {whole ? (
        <p id={`${id}-error`} className="mb-2 text-xs text-red-700">
          {whole}
        </p>
      ) : null}
      <div className="grid gap-3 sm:grid-cols-2">
        {fields.map((field) => {
          const props = {
            id: `${id}-${field.name}`,
            value: values[field.name] ?? "",
            error: errors[`params.${field.name}`],
            onChange: (value: string | string[]) => onChange(field.name, value),
          };
          return field.type === "list" ? (
            <ListInput key={field.name} field={field} {...props} />
          ) : (
            <NumberInput key={field.name} field={field} {...props} />
          );
        })}
      </div>
    </fieldset>
  );
}
