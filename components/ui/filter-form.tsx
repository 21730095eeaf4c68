// The filter bar of a list page: a GET form (next/form, so applying it is a client-side navigation),
// which puts the filters in the URL: a filtered view can be shared, reloaded and paged through.
// The page reads them back with lib/list-params.ts. docs/architecture.md, "UI kit".
import Form from "next/form";
import Link from "next/link";
import type { InputHTMLAttributes, ReactNode } from "react";
import type { QueryValues } from "@/lib/href";
import { Button, Field, Input, Select } from "./controls";
import { ErrorNote } from "./states";

export function FilterForm({
  action,
  label,
  keep = {},
  filtered,
  clearHref = action,
  className = "",
  children,
}: {
  action: string;
  /** The form's accessible name ("Filter servers"). */
  label: string;
  /** State the form has no field for but keeps when applied (sort, a filter set by a link). */
  keep?: QueryValues;
  /** Some filter is set: a "Clear filters" link is shown. */
  filtered: boolean;
  clearHref?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <Form
      action={action}
      className={`mb-4 flex flex-wrap items-end gap-2 ${className}`}
      role="search"
      aria-label={label}
    >
      {Object.entries(keep).map(([name, value]) =>
        value === undefined || value === null || value === "" || value === false ? null : (
          <input key={name} type="hidden" name={name} value={String(value)} />
        ),
      )}
      {children}
      <Button type="submit" variant="secondary">
        Apply
      </Button>
      {filtered ? (
        <Link href={clearHref} className="px-2 py-1.5 text-sm text-sky-800 underline">
          Clear filters
        </Link>
      ) : null}
    </Form>
  );
}

export type FilterOption = string | { value: string | number; label: string };

/** A select whose first option ("any") means "not filtered". */
export function SelectFilter({
  label,
  name,
  value,
  options,
  anyLabel = "any",
  className,
}: {
  label: string;
  name: string;
  value: string | number | undefined;
  options: readonly FilterOption[];
  anyLabel?: string;
  /** The control's width (a Tailwind class such as `w-36`). */
  className: string;
}) {
  return (
    <Field label={label}>
      <Select name={name} defaultValue={value ?? ""} className={className}>
        <option value="">{anyLabel}</option>
        {options.map((option) =>
          typeof option === "string" ? (
            <option key={option}>{option}</option>
          ) : (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ),
        )}
      </Select>
    </Field>
  );
}

export function TextFilter({
  label,
  name,
  value,
  className,
  ...input
}: { label: string; name: string; value: string | undefined; className: string } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  "name" | "value" | "defaultValue"
>) {
  return (
    <Field label={label}>
      <Input name={name} defaultValue={value} className={className} {...input} />
    </Field>
  );
}

export function CheckboxFilter({ label, name, checked }: { label: string; name: string; checked: boolean }) {
  return (
    <label className="flex items-center gap-2 pb-1.5 text-sm">
      <input type="checkbox" name={name} value="1" defaultChecked={checked} /> {label}
    </label>
  );
}

/** `from` and `to` as `datetime-local` fields, in UTC (lib/list-params.ts `readDateRange` reads them). */
export function DateRangeFilter({ from, to }: { from: string | undefined; to: string | undefined }) {
  return (
    <>
      <TextFilter label="From (UTC)" type="datetime-local" name="from" value={from} className="w-52" />
      <TextFilter label="To (UTC)" type="datetime-local" name="to" value={to} className="w-52" />
    </>
  );
}

/** Said above the list when "to" is before "from": the list then ignores "to". */
export function ReversedRangeNote({ reversed }: { reversed: boolean }) {
  return reversed ? (
    <ErrorNote>&ldquo;To&rdquo; is before &ldquo;From&rdquo;; showing everything from the start time on.</ErrorNote>
  ) : null;
}

/** A filter set by a link from another page (a group, an instance), shown with a link that removes it. */
export function FilterChip({
  children,
  removeHref,
  removeLabel,
}: {
  children: ReactNode;
  removeHref: string;
  removeLabel: string;
}) {
  return (
    <span className="rounded-full bg-sky-50 px-3 py-1 text-sky-900">
      {children}{" "}
      <Link href={removeHref} aria-label={removeLabel} className="ml-1 font-bold">
        ×
      </Link>
    </span>
  );
}
