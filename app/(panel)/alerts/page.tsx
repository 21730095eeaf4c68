import Link from "next/link";
import { AlertTable } from "@/components/alerts/alert-table";
import { AlertTabs } from "@/components/alerts/alert-tabs";
import { SilenceTable } from "@/components/alerts/silence-table";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { FilterForm, SelectFilter, TextFilter } from "@/components/ui/filter-form";
import { Pagination } from "@/components/ui/pagination";
import { EmptyState, PageHeader } from "@/components/ui/states";
import { hrefWith } from "@/lib/href";
import { alertRuleKinds, alertSeverities, alertViews, ruleKindLabels } from "@/lib/alerts";
import { choice } from "@/lib/list-params";
import { pageParam, param, type SearchParams } from "@/lib/search-params";
import { can } from "@/server/auth/current-actor";
import { api } from "@/server/trpc/server-caller";

/** Kinds in the words the rule form uses; the URL keeps the API's identifier. */
const kindOptions = alertRuleKinds.map((kind) => ({ value: kind, label: ruleKindLabels[kind] }));

export const metadata = { title: "Alerts" };

const viewLabels = { firing: "Firing", pending: "Pending", resolved: "Resolved", silenced: "Silenced" } as const;
/** The tabs: the four alert views, then the silences themselves. */
const tabs = [...alertViews, "silences"] as const;

export default async function AlertsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const caller = await api();
  const tab = choice(params, "view", tabs) ?? "firing";
  const view = tab === "silences" ? "silenced" : tab;
  const filters = {
    severity: choice(params, "severity", alertSeverities),
    kind: choice(params, "kind", alertRuleKinds),
    q: param(params, "q")?.slice(0, 200),
  };
  const [alerts, silences, canAct] = await Promise.all([
    tab === "silences" ? null : caller.alerts.list({ view, ...filters, page: pageParam(params), pageSize: 50 }),
    tab === "silences" ? caller.alerts.silences({ page: pageParam(params) }) : null,
    can("alerts.acknowledge"),
  ]);
  const filtered = Object.values(filters).some((v) => v !== undefined);

  return (
    <>
      <PageHeader title="Alerts">
        <AutoRefresh kinds={["alerts"]} />
      </PageHeader>
      <AlertTabs current="alerts" />
      <nav aria-label="Alert views" className="mb-4 flex flex-wrap gap-2 text-sm">
        {tabs.map((v) => (
          <Link
            key={v}
            href={hrefWith("/alerts", { ...(v === "silences" ? {} : filters), view: v })}
            aria-current={v === tab ? "page" : undefined}
            className={`rounded-full px-3 py-1 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 ${v === tab ? "bg-slate-800 text-white" : "bg-slate-100 text-slate-700 hover:bg-slate-200"}`}
          >
            {v === "silences" ? "Silences" : viewLabels[v]}
          </Link>
        ))}
      </nav>
      {alerts ? (
        <>
          <FilterForm action="/alerts" label="Filter alerts" keep={{ view }} filtered={filtered}>
            <SelectFilter
              label="Severity"
              name="severity"
              value={filters.severity}
              options={alertSeverities}
              className="w-32"
            />
            <SelectFilter label="Kind" name="kind" value={filters.kind} options={kindOptions} className="w-52" />
            <TextFilter label="Subject or rule" name="q" value={filters.q} className="w-56" maxLength={200} />
          </FilterForm>
          {alerts.items.length === 0 ? (
            <EmptyState title={filtered ? `No ${view} alerts match these filters` : `No ${view} alerts`}>
              {view === "firing" && !filtered ? "Everything the rules watch is fine." : null}
            </EmptyState>
          ) : (
            <AlertTable alerts={alerts.items} canAct={canAct} />
          )}
          <Pagination
            basePath="/alerts"
            params={{ ...filters, view }}
            page={alerts.page}
            pageCount={alerts.pageCount}
            total={alerts.total}
          />
        </>
      ) : null}
      {silences ? (
        <>
          {silences.items.length === 0 ? (
            <EmptyState title="No silences">Operators silence an alert from its row on the Firing view.</EmptyState>
          ) : (
            <SilenceTable silences={silences.items} canAct={canAct} />
          )}
          <Pagination
            basePath="/alerts"
            params={{ view: "silences" }}
            page={silences.page}
            pageCount={silences.pageCount}
            total={silences.total}
          />
        </>
      ) : null}
    </>
  );
}
