// A page's loading state, and where it goes (docs/architecture.md, "Loading states and 404").
// A `loading.tsx` wraps its segment's children too, and once its fallback has streamed the
// response is a 200 that a later notFound() cannot change. So the loading boundary sits below
// each detail page's lookup: leaf segments re-export PageLoading as their loading.tsx, the list
// pages of segments that also hold detail pages wrap themselves in withLoading, and detail pages
// pass their lookup as withLoading's check, so an unknown id answers HTTP 404.
import { Suspense, type ReactNode } from "react";

export function PageLoading() {
  return (
    <div role="status" aria-live="polite" className="space-y-3">
      <div className="h-6 w-48 animate-pulse rounded bg-slate-200" />
      <div className="h-32 animate-pulse rounded-lg bg-slate-200" />
      <span className="sr-only">Loading…</span>
    </div>
  );
}

/**
 * The page under a loading state. `check` runs first, outside the boundary: a notFound() there
 * still sets the status. Give it a React-cached lookup that the page calls again, so it runs once.
 */
export function withLoading<P extends object>(
  Page: (props: P) => Promise<ReactNode>,
  check?: (props: P) => Promise<unknown>,
) {
  return async function PageWithLoading(props: P) {
    if (check) await check(props);
    return (
      <Suspense fallback={<PageLoading />}>
        <Page {...props} />
      </Suspense>
    );
  };
}
