"use client";
// The main navigation: a row of links from the sm breakpoint up; below it a "Menu" disclosure
// listing every item, so all of them are reachable at 390 px without sideways scrolling.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef } from "react";

/**
 * `badge`: a count shown beside the label when above zero (firing alerts), read out as `badgeLabel`.
 * Links are `relative` so that screen-reader text stays inside the scrolling nav, not widening a phone's page.
 */
export type NavItem = { href: string; label: string; badge?: number; badgeLabel?: string };

const linkClass = (active: boolean) =>
  `relative whitespace-nowrap rounded-md px-3 py-1.5 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400 ${
    active ? "bg-slate-700 text-white" : "text-slate-300 hover:bg-slate-800 hover:text-white"
  }`;

export function Nav({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  const menu = useRef<HTMLDetailsElement>(null);
  const isActive = (item: NavItem) => (item.href === "/" ? pathname === "/" : pathname.startsWith(item.href));
  const current = items.find(isActive);
  // A client-side navigation keeps the layout mounted: close the menu once the page changed.
  useEffect(() => menu.current?.removeAttribute("open"), [pathname]);

  const links = (className: string) => (
    <ul className={className}>
      {items.map((item) => (
        <li key={item.href}>
          <Link
            href={item.href}
            aria-current={isActive(item) ? "page" : undefined}
            className={linkClass(isActive(item))}
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
        </li>
      ))}
    </ul>
  );

  return (
    <nav aria-label="Main">
      <details ref={menu} className="sm:hidden">
        <summary className="cursor-pointer list-none rounded-md px-3 py-1.5 text-sm font-medium text-white focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400">
          ☰ Menu{current ? <span className="text-slate-300"> · {current.label}</span> : null}
        </summary>
        {links("mt-1 flex flex-col gap-1 [&_a]:block")}
      </details>
      {links("hidden flex-wrap gap-1 sm:flex")}
    </nav>
  );
}
