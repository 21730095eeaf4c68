// The audit log (docs/audit.md): admins see every row, operators their own. Keyset pages (no
// counting: the log holds millions of rows), filters in the URL, CSV of the same filters.
import { redirect } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { AuditTable } from "@/components/audit/audit-table";
import { CursorPagination } from "@/components/ui/cursor-pagination";
import { DateRangeFilter, FilterForm, ReversedRangeNote, SelectFilter, TextFilter } from "@/components/ui/filter-form";
import { ErrorNote, NotAllowed, PageHeader } from "@/components/ui/states";
import { AUDIT_OUTCOMES, AUDIT_TARGET_TYPES } from "@/lib/audit-targets";
import { hrefWith } from "@/lib/href";
import { choice, readDateRange } from "@/lib/list-params";
import { param, type SearchParams } from "@/lib/search-params";
import { can, currentActor } from "@/server/auth/current-actor";
import { permissions } from "@/server/auth/roles";
import { CURSOR } from "@/server/audit/queries";
import { api } from "@/server/trpc/server-caller";

export const metadata = { title: "Audit log" };

const short = (params: SearchParams, key: string) => param(params, key)?.trim().slice(0, 100) || undefined;

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await currentActor();
  if (!actor) redirect("/login");
  if (!(await can("audit.read")))
    return (
      <>
        <PageHeader title="Audit log" />
        <NotAllowed needs={permissions["audit.read"]} role={actor.role} />
      </>
    );
  const all = await can("audit.readAll");
  const params = await searchParams;
  const range = readDateRange(params);
  const targetId = param(params, "targetId");
  const filters = {
    actor: short(params, "actor"),
    action: short(params, "action"),
    targetType: choice(params, "targetType", AUDIT_TARGET_TYPES),
    targetId: targetId && /^[0-9a-f-]{1,40}$/i.test(targetId) ? targetId : undefined,
    outcome: choice(params, "outcome", AUDIT_OUTCOMES),
  };
  const urlFilters = { ...filters, from: range.fromText, to: range.toText };
  const cursor = param(params, "cursor");
  const filtered = Object.values(urlFilters).some((v) => v !== undefined);
  const caller = await api();
  const input = { ...filters, from: range.from, to: range.to, pageSize: 50 };
  const page = await caller.audit
    .list({ ...input, cursor: cursor && CURSOR.test(cursor) ? cursor : undefined })
    .catch((error: unknown) => {
      if (error instanceof TRPCError && error.code !== "INTERNAL_SERVER_ERROR") return error.message;
      throw error;
    });

  return (
    <>
      <PageHeader title="Audit log">
        <a
          className="text-sm text-sky-800 underline"
          href={hrefWith("/api/audit/export", urlFilters)}
          data-testid="audit-csv"
          download
        >
          Download CSV
        </a>
      </PageHeader>
      <p className="-mt-3 mb-4 text-sm text-slate-600">
        {all
          ? "Every change, login and refused call, newest first."
          : "Your own changes, logins and refused calls (and those of your API tokens and tasks), newest first."}
      </p>
      <FilterForm
        action="/audit"
        label="Filter the audit log"
        keep={{ targetId: filters.targetId }}
        filtered={filtered}
      >
        {all ? (
          <TextFilter
            label="Who"
            name="actor"
            value={filters.actor}
            placeholder="login or token:name"
            className="w-40"
          />
        ) : null}
        <TextFilter
          label="Action"
          name="action"
          value={filters.action}
          placeholder="servers. or servers.update"
          className="w-44"
        />
        <SelectFilter
          label="Target"
          name="targetType"
          value={filters.targetType}
          options={AUDIT_TARGET_TYPES}
          className="w-40"
        />
        <SelectFilter
          label="Outcome"
          name="outcome"
          value={filters.outcome}
          options={AUDIT_OUTCOMES}
          className="w-28"
        />
        <DateRangeFilter from={urlFilters.from} to={urlFilters.to} />
      </FilterForm>
      <ReversedRangeNote reversed={range.reversed} />
      {typeof page === "string" ? (
        <ErrorNote>{page}</ErrorNote>
      ) : (
        <>
          <AuditTable
            rows={page.items}
            empty={filtered ? "No audit rows match these filters" : "Nothing recorded yet"}
          />
          <CursorPagination
            basePath="/audit"
            params={urlFilters}
            shown={page.items.length}
            prevCursor={page.prevCursor}
            nextCursor={page.nextCursor}
            atStart={!cursor}
          />
        </>
      )}
    </>
  );
}
