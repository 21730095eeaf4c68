// Empty and error states share one look across pages.
import Link from "next/link";
import type { ReactNode } from "react";

/** Breaks anywhere: a title may quote what the URL said (a server name no server has), however long. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center wrap-anywhere">
      <p className="font-medium text-slate-700">{title}</p>
      {children ? <div className="mt-1 text-sm text-slate-500">{children}</div> : null}
    </div>
  );
}

export function ErrorNote({ children }: { children: ReactNode }) {
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
      {children}
    </div>
  );
}

export function Card({ title, children, actions }: { title?: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white shadow-sm">
      {title ? (
        <header className="flex items-center justify-between border-b border-slate-100 px-4 py-3">
          <h2 className="text-sm font-semibold text-slate-800">{title}</h2>
          {actions}
        </header>
      ) : null}
      <div className="p-4">{children}</div>
    </section>
  );
}

/** The link above a detail page's header back to the list it came from. */
export function BackLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <p className="mb-1 text-sm">
      <Link href={href} className="text-sky-800 hover:underline">
        ← {children}
      </Link>
    </p>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="mb-5 flex flex-wrap items-center justify-between gap-3">
      <h1 className="text-xl font-semibold text-slate-900">{title}</h1>
      {children ? <div className="flex flex-wrap items-center gap-2">{children}</div> : null}
    </div>
  );
}

/** What a page says to a logged-in user whose role may not see it (instead of a silent redirect). */
export function NotAllowed({ needs, role }: { needs: string; role: string }) {
  return (
    <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 px-6 py-8 text-center">
      <p className="font-medium text-amber-900">This page is for the {needs} role</p>
      <p className="mt-1 text-sm text-amber-800">
        You are signed in as {role}. Ask an admin if you need it; the{" "}
        <Link className="underline" href="/">
          dashboard
        </Link>{" "}
        is open to you.
      </p>
    </div>
  );
}
