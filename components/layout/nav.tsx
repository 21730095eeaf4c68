"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

/**
 * `badge`: a count shown beside the label when above zero (firing alerts), read out as `badgeLabel`.
 * Links are `relative` so that screen-reader text stays inside the scrolling nav, not widening a phone's page.
 */
export type NavItem = { href: string; label: string; badge?: number; badgeLabel?: string };

export function Nav({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex gap-1 overflow-x-auto">
      {items.map((item) => {
        const active = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={`relative whitespace-nowrap rounded-md px-3 py-1.5 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400 ${
              active ? "bg-slate-700 text-white" : "text-slate-300 hover:bg-slate-800 hover:text-white"
            }`}
          >
            {item.label}
            {item.badge ? (
              <>
                <span
                  aria-hidden="true"
                  className="ml-1.5 rounded-full bg-red-600 px-1.5 py-0.5 text-xs font-semibold text-white"
                  data-testid="alerts-badge"
                >
                  {item.badge}
                </span>
                <span className="sr-only">, {item.badgeLabel}</span>
              </>
            ) : null}
          </Link>
        );
      })}
    </nav>
  );
}
