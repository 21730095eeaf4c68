import { ActionTable } from "@/components/haproxy/action-table";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { FilterForm, SelectFilter, TextFilter } from "@/components/ui/filter-form";
import { Pagination } from "@/components/ui/pagination";
import { BackLink, PageHeader } from "@/components/ui/states";
import { choice, idFilter } from "@/lib/list-params";
import { pageParam, param, type SearchParams } from "@/lib/search-params";
import { HAPROXY_COMMANDS } from "@/lib/haproxy-status";
import { api } from "@/server/trpc/server-caller";

export const metadata = { title: "HAProxy actions" };

const results = ["success", "failed", "refused"] as const;

export default async function HaproxyActionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const filters = {
    instance: idFilter(params, "instance"),
    server: idFilter(params, "server"),
    command: choice(params, "command", HAPROXY_COMMANDS),
    result: choice(params, "result", results),
    actor: param(params, "actor")?.slice(0, 100),
    q: param(params, "q")?.slice(0, 100),
  };
  const caller = await api();
  const [actions, instances, actors] = await Promise.all([
    caller.haproxy.actions({
      instanceId: filters.instance,
      haproxyServerId: filters.server,
      command: filters.command,
      result: filters.result,
      actor: filters.actor,
      q: filters.q,
      page: pageParam(params),
      pageSize: 50,
    }),
    caller.haproxy.instances({}),
    caller.haproxy.actionActors(),
  ]);
  const filtered = Object.values(filters).some((v) => v !== undefined);

  return (
    <>
      <BackLink href="/haproxy">HAProxy</BackLink>
      <PageHeader title="HAProxy actions">
        <AutoRefresh kinds={["haproxy"]} />
      </PageHeader>
      <p className="-mt-3 mb-4 text-sm text-slate-600">
        Every drain, ready and maint attempt: by people, API tokens and update tasks, refused ones included.
      </p>
      <FilterForm
        action="/haproxy/actions"
        label="Filter actions"
        keep={{ server: filters.server }}
        filtered={filtered}
      >
        <SelectFilter
          label="Instance"
          name="instance"
          value={filters.instance}
          options={instances.map((i) => ({ value: i.id, label: `${i.name} (${i.server.name})` }))}
          className="w-40"
        />
        <SelectFilter
          label="Command"
          name="command"
          value={filters.command}
          options={HAPROXY_COMMANDS}
          className="w-28"
        />
        <SelectFilter label="Result" name="result" value={filters.result} options={results} className="w-28" />
        <SelectFilter
          label="Who"
          name="actor"
          value={filters.actor}
          options={actors}
          anyLabel="anyone"
          className="w-40"
        />
        <TextFilter label="Target" name="q" value={filters.q} placeholder="lb1/backend/server" className="w-52" />
      </FilterForm>
      <ActionTable
        actions={actions.items}
        empty={filtered ? "No action matches these filters" : "No HAProxy command has been sent yet"}
      />
      <Pagination
        basePath="/haproxy/actions"
        params={{ ...filters, instance: filters.instance?.toString(), server: filters.server?.toString() }}
        page={actions.page}
        pageCount={actions.pageCount}
        total={actions.total}
      />
    </>
  );
}
