// Raw statuses read as unknown, with how many instances report each: fixing the status map
// once beats reading every instance. Admins get a link that fills in the map's form.
import Link from "next/link";
import type { UnknownStatus } from "@/server/inventory/queries/unknown-statuses";

export const mapHref = (appType: string, key: string) =>
  `/admin/status-map?${new URLSearchParams({ appType, raw: key })}#map-form`;

export function UnknownStatuses({ items, more, canMap }: { items: UnknownStatus[]; more: boolean; canMap: boolean }) {
  if (items.length === 0) return <p className="text-sm text-emerald-700">Every status the agents report is mapped.</p>;
  return (
    <>
      <ul className="divide-y divide-slate-100 text-sm" data-testid="unknown-statuses">
        {items.map((item) => (
          <li
            key={`${item.appType}:${item.key}`}
            className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-2"
            data-testid="unknown-status"
          >
            <span className="font-mono font-medium text-slate-900">{item.key}</span>
            <span className="text-xs text-slate-500">{item.appType}</span>
            {item.example.toLowerCase() !== item.key ? (
              <span className="truncate text-xs text-slate-500" title={item.example}>
                e.g. “{item.example}”
              </span>
            ) : null}
            <span className="ml-auto tabular-nums text-slate-700">
              {item.instances} instance{item.instances === 1 ? "" : "s"}
            </span>
            {canMap ? (
              <Link href={mapHref(item.appType, item.key)} className="text-sky-800 underline">
                Map it
              </Link>
            ) : null}
          </li>
        ))}
      </ul>
      {more ? <p className="mt-2 text-xs text-slate-500">Only the most frequent are listed.</p> : null}
    </>
  );
}
