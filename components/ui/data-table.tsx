// The table of every list page (inventory, HAProxy, tasks, admin): a frame that scrolls sideways on
// a phone, and column headers that sort (a second click reverses; the link keeps the filters and
// starts from the first page). docs/architecture.md, "UI kit".
import Link from "next/link";
import { hrefWith, type QueryValues } from "@/lib/href";

export function SortHeader({
  label,
  column,
  sort,
  dir,
  basePath,
  params,
  defaultDir = "asc",
}: {
  label: string;
  column: string;
  sort: string;
  dir: "asc" | "desc";
  basePath: string;
  /** The list's other parameters (filters), without sort, dir and page or cursor. */
  params: QueryValues;
  defaultDir?: "asc" | "desc";
}) {
  const active = sort === column;
  const nextDir = active ? (dir === "asc" ? "desc" : "asc") : defaultDir;
  return (
    <th
      scope="col"
      className="whitespace-nowrap px-3 py-2"
      aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : undefined}
    >
      <Link
        href={hrefWith(basePath, { ...params, sort: column, dir: nextDir })}
        className="inline-flex items-center gap-1 rounded hover:text-slate-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
      >
        {label}
        <span aria-hidden="true" className={active ? "text-slate-700" : "text-slate-300"}>
          {active ? (dir === "asc" ? "▲" : "▼") : "↕"}
        </span>
      </Link>
    </th>
  );
}

export function Th({ children, className = "" }: { children?: React.ReactNode; className?: string }) {
  return (
    <th scope="col" className={`whitespace-nowrap px-3 py-2 ${className}`}>
      {children}
    </th>
  );
}

/**
 * The table frame every list uses: scrolls sideways on a phone instead of squeezing, with a shadow
 * on the side where more columns are (app/globals.css, `.scroll-shadows`).
 * `relative` keeps screen-reader-only text in cells (absolutely placed) from widening the page.
 * Links in cells are names (servers, instances, groups): squeezed, they broke at every hyphen.
 */
export function DataTable({
  children,
  label,
  linkClass = "",
}: {
  children: React.ReactNode;
  label: string;
  linkClass?: string;
}) {
  return (
    <div className="scroll-shadows relative overflow-x-auto rounded-lg border border-slate-200">
      <table
        className={`min-w-full divide-y divide-slate-200 text-sm [&_td_a]:whitespace-nowrap ${linkClass}`}
        aria-label={label}
      >
        {children}
      </table>
    </div>
  );
}

export const theadClass = "bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500";
export const tdClass = "px-3 py-2 align-top";
