import { redirect } from "next/navigation";
import { DataTable, Th, tdClass, theadClass } from "@/components/ui/data-table";
import { Pagination } from "@/components/ui/pagination";
import { RelativeTime } from "@/components/ui/relative-time";
import { EmptyState, PageHeader, NotAllowed } from "@/components/ui/states";
import { pageParam, param, type SearchParams } from "@/lib/search-params";
import { can, permissions } from "@/server/auth/roles";
import { currentActor } from "@/server/auth/current-actor";
import { api } from "@/server/trpc/server-caller";
import { AdminTabs } from "../admin-tabs";
import { CreateTokenForm, RevokeTokenButton } from "./token-forms";

export const metadata = { title: "API tokens" };

export default async function TokensPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await currentActor();
  if (!actor) redirect("/login");
  if (!can(actor.role, "tokens.manage"))
    return (
      <>
        <PageHeader title="Administration" />
        <NotAllowed needs={permissions["tokens.manage"]} role={actor.role} />
      </>
    );
  const params = await searchParams;
  const includeRevoked = param(params, "revoked") === "1";
  const tokens = await (await api()).apiTokens.list({ page: pageParam(params), pageSize: 50, includeRevoked });
  return (
    <>
      <PageHeader title="Administration">
        <a
          className="text-sm text-sky-800 underline"
          href={includeRevoked ? "/admin/tokens" : "/admin/tokens?revoked=1"}
        >
          {includeRevoked ? "Hide revoked tokens" : "Show revoked tokens"}
        </a>
      </PageHeader>
      <AdminTabs current="tokens" />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[1fr_320px]">
        <div className="min-w-0">
          {tokens.items.length === 0 ? (
            <EmptyState title="No API tokens yet">
              Internal tools call AC&apos;s API with a token created here.
            </EmptyState>
          ) : (
            <DataTable label="API tokens">
              <thead className={theadClass}>
                <tr>
                  <Th>Name</Th>
                  <Th>Token</Th>
                  <Th>Role</Th>
                  <Th>Last used</Th>
                  <Th>Expires</Th>
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {tokens.items.map((token) => (
                  <tr key={token.id} className={token.revokedAt ? "text-slate-400" : undefined}>
                    <td className={`${tdClass} font-medium`}>{token.name}</td>
                    <td className={`${tdClass} font-mono text-xs`}>{token.prefix}…</td>
                    <td className={tdClass}>{token.role}</td>
                    <td className={tdClass}>
                      <RelativeTime date={token.lastUsedAt} />
                    </td>
                    <td className={tdClass}>{token.expiresAt ? <RelativeTime date={token.expiresAt} /> : "never"}</td>
                    <td className={`${tdClass} text-right`}>
                      {token.revokedAt ? "revoked" : <RevokeTokenButton id={token.id} name={token.name} />}
                    </td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
          )}
          <Pagination
            basePath="/admin/tokens"
            params={{ revoked: includeRevoked ? "1" : undefined }}
            page={tokens.page}
            pageCount={tokens.pageCount}
            total={tokens.total}
          />
        </div>
        <CreateTokenForm />
      </div>
    </>
  );
}
