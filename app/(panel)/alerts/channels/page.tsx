import Link from "next/link";
import { AlertTabs } from "@/components/alerts/alert-tabs";
import { ChannelActions, ChannelForm } from "@/components/alerts/channel-form";
import { DeliveryTable } from "@/components/alerts/delivery-table";
import { Pagination } from "@/components/ui/pagination";
import { Card, EmptyState, PageHeader } from "@/components/ui/states";
import { formatSeconds } from "@/lib/alerts";
import { hrefWith } from "@/lib/href";
import { idFilter } from "@/lib/list-params";
import { pageParam, type SearchParams } from "@/lib/search-params";
import { can } from "@/server/auth/current-actor";
import { api } from "@/server/trpc/server-caller";

export const metadata = { title: "Notification channels" };

export default async function ChannelsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const caller = await api();
  const [channels, canEdit] = await Promise.all([caller.alerts.channels(), can("alerts.manage")]);
  const selected = channels.find((c) => c.id === idFilter(params, "channel")) ?? channels[0];
  const log = selected ? await caller.alerts.deliveries({ channelId: selected.id, page: pageParam(params) }) : null;

  return (
    <>
      <PageHeader title="Notification channels" />
      <AlertTabs current="channels" />
      {canEdit ? (
        <div className="mb-6">
          <Card title="New channel">
            <ChannelForm />
          </Card>
        </div>
      ) : null}
      {channels.length === 0 ? (
        <EmptyState title="No channels">
          {canEdit ? "Create one above; alerts notify nobody until then." : "An admin adds them."}
        </EmptyState>
      ) : (
        <ul className="mb-6 grid gap-3 lg:grid-cols-2">
          {channels.map((c) => (
            <li key={c.id}>
              <Card
                title={`${c.name} (${c.type})${c.enabled ? "" : ", disabled"}`}
                actions={
                  <Link
                    className="text-sm text-sky-800 underline"
                    href={hrefWith("/alerts/channels", { channel: c.id })}
                    aria-current={c.id === selected?.id ? "true" : undefined}
                  >
                    Delivery log
                  </Link>
                }
              >
                <dl className="mb-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
                  <dt className="text-slate-500">Settings</dt>
                  <dd className="break-all font-mono text-xs">{JSON.stringify(c.settings)}</dd>
                  <dt className="text-slate-500">Secrets set</dt>
                  <dd>{c.secretsSet.length ? c.secretsSet.join(", ") : "none"}</dd>
                  <dt className="text-slate-500">Routes</dt>
                  <dd>
                    {c.minSeverity} and above
                    {c.routeKinds.length ? `; kinds ${c.routeKinds.join(", ")}` : ""}
                    {c.routeRuleIds.length ? `; rules ${c.routeRuleIds.join(", ")}` : ""}
                    {c.routeScopes.length ? `; scopes ${c.routeScopes.join(", ")}` : ""}
                  </dd>
                  <dt className="text-slate-500">Repeat</dt>
                  <dd>
                    {c.repeatIntervalSeconds ? `every ${formatSeconds(c.repeatIntervalSeconds)}` : "never"}
                    {c.sendResolved ? "; resolved sent" : ""}
                  </dd>
                </dl>
                {canEdit ? <ChannelActions channel={c} /> : null}
              </Card>
            </li>
          ))}
        </ul>
      )}
      {selected && log ? (
        <section aria-labelledby="log-title">
          <h2 id="log-title" className="mb-3 text-base font-semibold text-slate-900">
            Delivery log of {selected.name}
          </h2>
          {log.items.length === 0 ? (
            <EmptyState title="Nothing sent yet">Messages appear here when alerts fire or a test is sent.</EmptyState>
          ) : (
            <DeliveryTable deliveries={log.items} />
          )}
          <Pagination
            basePath="/alerts/channels"
            params={{ channel: String(selected.id) }}
            page={log.page}
            pageCount={log.pageCount}
            total={log.total}
          />
        </section>
      ) : null}
    </>
  );
}
