import { redirect } from "next/navigation";
import { DataTable, Th, tdClass, theadClass } from "@/components/ui/data-table";
import { FilterForm, TextFilter } from "@/components/ui/filter-form";
import { Pagination } from "@/components/ui/pagination";
import { RelativeTime } from "@/components/ui/relative-time";
import { EmptyState, PageHeader, NotAllowed } from "@/components/ui/states";
import { pageParam, param, type SearchParams } from "@/lib/search-params";
import { can, permissions } from "@/server/auth/roles";
import { currentActor } from "@/server/auth/current-actor";
import { api } from "@/server/trpc/server-caller";
import { AdminTabs } from "../admin-tabs";
import { CreateUserForm, UserRowActions } from "./user-forms";

export const metadata = { title: "Users" };

const sourceLabels = { local: "Local", oidc: "OIDC", ldap: "LDAP" } as const;
/** users.list's limit: a longer ?q= (a pasted text) is cut, not an error page. */
const SEARCH_MAX = 100;

export default async function UsersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await currentActor();
  if (!actor) redirect("/login");
  if (!can(actor.role, "users.manage"))
    return (
      <>
        <PageHeader title="Administration" />
        <NotAllowed needs={permissions["users.manage"]} role={actor.role} />
      </>
    );
  const params = await searchParams;
  const search = param(params, "q")?.slice(0, SEARCH_MAX);
  const users = await (await api()).users.list({ page: pageParam(params), pageSize: 50, search });
  return (
    <>
      <PageHeader title="Administration" />
      <AdminTabs current="users" />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[1fr_320px]">
        <div className="min-w-0">
          {/* The search filters the users' list only, so it sits on that list, under the tabs. */}
          <FilterForm action="/admin/users" label="Filter users" filtered={!!search}>
            <TextFilter
              label="Search users"
              name="q"
              value={search}
              placeholder="Login or name"
              maxLength={SEARCH_MAX}
              className="w-64 max-w-full"
            />
          </FilterForm>
          {users.items.length === 0 ? (
            <EmptyState title={search ? "No users match" : "No users on this page"}>
              {search ? "Try another search." : null}
            </EmptyState>
          ) : (
            <DataTable label="Users">
              <thead className={theadClass}>
                <tr>
                  <Th>Login</Th>
                  <Th>Role and state</Th>
                  <Th>Name</Th>
                  <Th>Source</Th>
                  <Th>Last login</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {users.items.map((user) => (
                  <tr key={user.id} className={user.disabled ? "text-slate-400" : undefined}>
                    <td className={`${tdClass} whitespace-nowrap font-medium`}>
                      {user.login}
                      <a
                        className="block text-xs font-normal text-sky-800 hover:underline"
                        href={`/audit?targetType=user&targetId=${user.id}`}
                      >
                        history
                      </a>
                    </td>
                    <td className={tdClass}>
                      <UserRowActions user={user} self={actor.kind === "user" && actor.id === user.id} />
                    </td>
                    <td className={`${tdClass} whitespace-nowrap`}>{user.displayName ?? "—"}</td>
                    <td className={tdClass}>{sourceLabels[user.source]}</td>
                    <td className={`${tdClass} whitespace-nowrap`}>
                      {user.lastLoginAt ? <RelativeTime date={user.lastLoginAt} /> : "never"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
          )}
          <Pagination
            basePath="/admin/users"
            params={{ q: search }}
            page={users.page}
            pageCount={users.pageCount}
            total={users.total}
          />
        </div>
        <CreateUserForm />
      </div>
    </>
  );
}
