// Page links that keep every other search parameter of the current view.
import Link from "next/link";

export function Pagination({
  page,
  pageCount,
  total,
  params,
  basePath,
}: {
  page: number;
  pageCount: number;
  total: number;
  params: Record<string, string | undefined>;
  basePath: string;
}) {
  const href = (target: number) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
    query.set("page", String(target));
    return `${basePath}?${query.toString()}`;
  };
  const link =
    "rounded-md border border-slate-300 bg-white px-3 py-1 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500";
  // A hand-edited or old link may point past the end (the list shrank): offer the last page, not page - 1.
  const pastEnd = page > pageCount;
  return (
    <nav
      aria-label="Pagination"
      className="mt-3 flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600"
    >
      <span>
        {total} total · {pastEnd ? `page ${page} is past the last page, ${pageCount}` : `page ${page} of ${pageCount}`}
      </span>
      <span className="flex gap-2">
        {pastEnd ? (
          <Link className={link} href={href(pageCount)}>
            Last page
          </Link>
        ) : page > 1 ? (
          <Link className={link} href={href(page - 1)}>
            Previous
          </Link>
        ) : null}
        {page < pageCount ? (
          <Link className={link} href={href(page + 1)}>
            Next
          </Link>
        ) : null}
      </span>
    </nav>
  );
}
