// Pages of a keyset-paginated list: first, previous and next, as links that keep the filters.
import Link from "next/link";
import { hrefWith, type QueryValues } from "@/lib/href";

const link =
  "rounded-md border border-slate-300 bg-white px-3 py-1 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500";

export function CursorPagination({
  basePath,
  params,
  total,
  totalCapped = false,
  shown,
  prevCursor,
  nextCursor,
  atStart,
}: {
  basePath: string;
  params: QueryValues;
  /** Omitted where counting would cost too much (the audit log): only "showing N" then. */
  total?: number;
  /** The list stopped counting at `total`: there are more. */
  totalCapped?: boolean;
  shown: number;
  prevCursor: string | null;
  nextCursor: string | null;
  /** The first page is shown (no cursor in the URL). */
  atStart: boolean;
}) {
  return (
    <nav
      aria-label="Pagination"
      className="mt-3 flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600"
    >
      <span>
        {total === undefined
          ? `showing ${shown}`
          : `${totalCapped ? `more than ${total.toLocaleString("en")}` : total} total · showing ${shown}`}
      </span>
      <span className="flex gap-2">
        {!atStart ? (
          <Link className={link} href={hrefWith(basePath, params)}>
            First page
          </Link>
        ) : null}
        {prevCursor ? (
          <Link className={link} href={hrefWith(basePath, { ...params, cursor: prevCursor })} rel="prev">
            Previous
          </Link>
        ) : null}
        {nextCursor ? (
          <Link className={link} href={hrefWith(basePath, { ...params, cursor: nextCursor })} rel="next">
            Next
          </Link>
        ) : null}
      </span>
    </nav>
  );
}
