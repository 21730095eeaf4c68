import { redirect } from "next/navigation";
import { Pagination } from "@/components/ui/pagination";
import { RelativeTime } from "@/components/ui/relative-time";
import { EmptyState, PageHeader } from "@/components/ui/states";
import { pageParam, param, type SearchParams } from "@/lib/search-params";
import { can } from "@/server/auth/roles";
import { currentActor } from "@/server/auth/current-actor";
import { api } from "@/server/trpc/server-caller";
import { AdminTabs } from "../admin-tabs";
import { CreateTokenForm, RevokeTokenButton } from "./token-forms";

export const metadata = { title: "API tokens" };

export default async function TokensPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await currentActor();
  if (!actor || !can(actor.role, "tokens.manage")) redirect("/");
  const params = await searchParams;
  const includeRevoked = param(params, "revoked") === "1";
  const tokens = await (await api()).apiTokens.list({ page: pageParam(params), pageSize: 50, includeRevoked });
  return (
    <>
      <PageHeader title="Administration">
        <a className="text-sm text-sky-800 underline" href={includeRevoked ? "/admin/tokens" : "/admin/tokens?revoked=1"}>
          {includeRevoked ? "Hide revoked tokens" : "Show revoked tokens"}
        </a>
      </PageHeader>
      <AdminTabs current="tokens" />
      <div className="grid gap-6 lg:grid-cols-[1fr_320px]">
        <div>
          {tokens.items.length === 0 ? (
            <EmptyState title="No API tokens yet">Internal tools call AC&apos;s API with a token created here.</EmptyState>
          ) : (
            <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
              <table className="min-w-full divide-y divide-slate-200 text-sm">
                <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                  <tr>
                    <th className="px-3 py-2">Name</th>
                    <th className="px-3 py-2">Token</th>
                    <th className="px-3 py-2">Role</th>
                    <th className="px-3 py-2">Last used</th>
                    <th className="px-3 py-2">Expires</th>
                    <th className="px-3 py-2" />
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {tokens.items.map((token) => (
                    <tr key={token.id} className={token.revokedAt ? "text-slate-400" : undefined}>
                      <td className="px-3 py-2 font-medium">{token.name}</td>
                      <td className="px-3 py-2 font-mono text-xs">{token.prefix}…</td>
                      <td className="px-3 py-2">{token.role}</td>
                      <td className="px-3 py-2"><RelativeTime date={token.lastUsedAt} /></td>
                      <td className="px-3 py-2">{token.expiresAt ? <RelativeTime date={token.expiresAt} /> : "never"}</td>
                      <td className="px-3 py-2 text-right">
                        {token.revokedAt ? "revoked" : <RevokeTokenButton id={token.id} name={token.name} />}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pagination basePath="/admin/tokens" params={{ revoked: includeRevoked ? "1" : undefined }} page={tokens.page} pageCount={tokens.pageCount} total={tokens.total} />
        </div>
        <CreateTokenForm />
      </div>
    </>
  );
}
