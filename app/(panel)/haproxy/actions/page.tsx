import Form from "next/form";
import Link from "next/link";
import { ActionTable } from "@/components/haproxy/action-table";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { Button, Input, Select } from "@/components/ui/controls";
import { Pagination } from "@/components/ui/pagination";
import { PageHeader } from "@/components/ui/states";
import { choice, idFilter } from "@/lib/list-params";
import { pageParam, param, type SearchParams } from "@/lib/search-params";
import { HAPROXY_COMMANDS } from "@/lib/haproxy-status";
import { api } from "@/server/trpc/server-caller";

export const metadata = { title: "HAProxy actions" };

const results = ["success", "failed", "refused"] as const;
const label = "mb-1 block font-medium text-slate-700";

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
      instanceId: filters.instance, haproxyServerId: filters.server, command: filters.command, result: filters.result,
      actor: filters.actor, q: filters.q, page: pageParam(params), pageSize: 50,
    }),
    caller.haproxy.instances({}),
    caller.haproxy.actionActors(),
  ]);
  const filtered = Object.values(filters).some((v) => v !== undefined);

  return (
    <>
      <p className="mb-1 text-sm"><Link href="/haproxy" className="text-sky-800 hover:underline">← HAProxy</Link></p>
      <PageHeader title="HAProxy actions">
        <AutoRefresh />
      </PageHeader>
      <p className="-mt-3 mb-4 text-sm text-slate-600">Every drain, ready and maint attempt: by people, API tokens and update tasks, refused ones included.</p>
      <Form action="/haproxy/actions" className="mb-4 flex flex-wrap items-end gap-2" role="search" aria-label="Filter actions">
        {filters.server ? <input type="hidden" name="server" value={filters.server} /> : null}
        <label className="text-sm">
          <span className={label}>Instance</span>
          <Select name="instance" defaultValue={filters.instance ?? ""} className="w-40">
            <option value="">any</option>
            {instances.map((i) => <option key={i.id} value={i.id}>{i.name} ({i.server.name})</option>)}
          </Select>
        </label>
        <label className="text-sm">
          <span className={label}>Command</span>
          <Select name="command" defaultValue={filters.command ?? ""} className="w-28">
            <option value="">any</option>
            {HAPROXY_COMMANDS.map((c) => <option key={c}>{c}</option>)}
          </Select>
        </label>
        <label className="text-sm">
          <span className={label}>Result</span>
          <Select name="result" defaultValue={filters.result ?? ""} className="w-28">
            <option value="">any</option>
            {results.map((r) => <option key={r}>{r}</option>)}
          </Select>
        </label>
        <label className="text-sm">
          <span className={label}>Who</span>
          <Select name="actor" defaultValue={filters.actor ?? ""} className="w-40">
            <option value="">anyone</option>
            {actors.map((a) => <option key={a}>{a}</option>)}
          </Select>
        </label>
        <label className="text-sm">
          <span className={label}>Target</span>
          <Input name="q" defaultValue={filters.q} placeholder="lb1/backend/server" className="w-52" />
        </label>
        <Button type="submit" variant="secondary">Apply</Button>
        {filtered ? <Link href="/haproxy/actions" className="px-2 py-1.5 text-sm text-sky-800 underline">Clear filters</Link> : null}
      </Form>
      <ActionTable actions={actions.items} empty={filtered ? "No action matches these filters" : "No HAProxy command has been sent yet"} />
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
