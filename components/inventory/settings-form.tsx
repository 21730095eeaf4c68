"use client";
// One form for update settings at any level (instance overrides, group, catalog): text fields
// where empty means "not set here, inherit", field errors from the API, a saved note.
import type { ReactNode } from "react";
import { Button, Field, Input } from "@/components/ui/controls";
import { Card, ErrorNote } from "@/components/ui/states";
import type { FormErrors } from "@/components/mutation-error";

export type TextSetting = { name: string; label: string; value: string | null; placeholder?: string; hint?: string };

export function SettingsForm({
  title,
  label,
  testId,
  fields,
  errors,
  pending,
  saved,
  onSubmit,
  children,
}: {
  title: string;
  label: string;
  testId: string;
  fields: TextSetting[];
  errors: FormErrors | null;
  pending: boolean;
  saved: boolean;
  onSubmit: (values: Record<string, string>, data: FormData) => void;
  children?: ReactNode;
}) {
  return (
    <Card title={title}>
      <form
        aria-label={label}
        data-testid={testId}
        className="space-y-3"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          onSubmit(Object.fromEntries(fields.map((f) => [f.name, String(data.get(f.name) ?? "").trim()])), data);
        }}
      >
        {fields.map((field) => (
          <Field key={field.name} label={field.label} error={errors?.fields[field.name]}>
            <Input
              name={field.name}
              defaultValue={field.value ?? ""}
              placeholder={field.placeholder}
              aria-invalid={!!errors?.fields[field.name]}
              autoComplete="off"
            />
            {field.hint ? <span className="mt-1 block text-xs text-slate-500">{field.hint}</span> : null}
          </Field>
        ))}
        {children}
        {errors ? <ErrorNote>{errors.message}</ErrorNote> : null}
        <div aria-live="polite" className="text-sm text-emerald-700">
          {saved && !pending ? "Saved." : null}
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save"}
        </Button>
      </form>
    </Card>
  );
}
