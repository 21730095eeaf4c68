// Every page but /login lives here: a session is required, the header shows who is logged in.
import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { Nav, type NavItem } from "@/components/layout/nav";
import { SignOutButton } from "@/components/layout/sign-out-button";
import { RenderClock } from "@/components/ui/relative-time";
import { can } from "@/server/auth/roles";
import { currentActor } from "@/server/auth/current-actor";
import { requestTime } from "@/server/http/request-time";
import { api } from "@/server/trpc/server-caller";

const sections: NavItem[] = [
  { href: "/", label: "Dashboard" },
  { href: "/servers", label: "Servers" },
  { href: "/applications", label: "Applications" },
  { href: "/groups", label: "Groups" },
  { href: "/events", label: "Events" },
  { href: "/haproxy", label: "HAProxy" },
  { href: "/tasks", label: "Tasks" },
];

export default async function PanelLayout({ children }: { children: ReactNode }) {
  const actor = await currentActor();
  if (!actor || actor.kind !== "user") redirect("/login");
  // The badge counts firing alerts (docs/alerts.md); a failed count leaves the badge out, not the page.
  const firing = await (await api()).alerts.firingCount().catch(() => undefined);
  const alerts: NavItem = { href: "/alerts", label: "Alerts", badge: firing, badgeLabel: `${firing} firing` };
  const items = [
    ...sections,
    alerts,
    ...(can(actor.role, "audit.read") ? [{ href: "/audit", label: "Audit" }] : []),
    ...(can(actor.role, "users.manage") ? [{ href: "/admin/users", label: "Admin" }] : []),
  ];
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2"
      >
        Skip to content
      </a>
      <header className="bg-slate-900">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-2">
          <Link href="/" className="text-base font-bold tracking-tight text-white">
            AC
          </Link>
          <div className="order-3 w-full sm:order-none sm:w-auto sm:flex-1">
            <Nav items={items} />
          </div>
          <div className="ml-auto flex items-center gap-3 text-sm text-slate-300">
            <span>
              <span className="font-medium text-white">{actor.displayName ?? actor.login}</span>{" "}
              <span className="rounded bg-slate-700 px-1.5 py-0.5 text-xs uppercase tracking-wide" data-testid="role">
                {actor.role}
              </span>
            </span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-6">
        <RenderClock now={requestTime()}>{children}</RenderClock>
      </main>
    </div>
  );
}
