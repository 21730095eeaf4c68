// Version changes as a timeline, newest first. Rows keep the server and instance names, so a
// change stays readable after its server was deleted (then it has no link).
import Link from "next/link";
import { RelativeTime } from "@/components/ui/relative-time";
import { EmptyState } from "@/components/ui/states";
import type { VersionChange } from "@/server/inventory/queries/version-history";

const headline = (row: VersionChange) =>
  [row.oldVersion ?? row.oldTag ?? "—", row.newVersion ?? row.newTag ?? "—"] as const;

/**
 * What else changed, in the terms the instance reports (docker tag, image, distribution); a pair
 * that only repeats the headline (a docker tag equal to its version) is left out.
 */
function changes(row: VersionChange): string[] {
  const [headFrom, headTo] = headline(row);
  const pairs: [string, string | null, string | null][] = [
    ["version", row.oldVersion, row.newVersion],
    ["tag", row.oldTag, row.newTag],
    ["image", row.oldImage, row.newImage],
    ["distribution", row.oldDistrPath, row.newDistrPath],
  ];
  return pairs
    .filter(([, from, to]) => from !== to && !((from ?? "—") === headFrom && (to ?? "—") === headTo))
    .map(([what, from, to]) => `${what} ${from ?? "—"} → ${to ?? "—"}`);
}

export function VersionTimeline({
  rows,
  showInstance = true,
  empty = "No version changes recorded",
}: {
  rows: VersionChange[];
  showInstance?: boolean;
  empty?: string;
}) {
  if (rows.length === 0) return <EmptyState title={empty} />;
  return (
    <ol className="relative space-y-4 border-l border-slate-200 pl-5" aria-label="Version history">
      {rows.map((row) => {
        const details = changes(row);
        return (
          <li key={row.id} className="relative" data-testid="version-change">
            <span
              aria-hidden="true"
              className="absolute -left-[26px] top-1.5 h-2.5 w-2.5 rounded-full bg-sky-600 ring-4 ring-white"
            />
            <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
              <span className="font-mono font-medium text-slate-900">{headline(row).join(" → ")}</span>
              {showInstance ? (
                <span>
                  {row.instanceId ? (
                    <Link className="text-sky-800 hover:underline" href={`/applications/${row.instanceId}`}>
                      {row.instanceName}
                    </Link>
                  ) : (
                    row.instanceName
                  )}{" "}
                  <span className="text-slate-500">on {row.serverName}</span>
                </span>
              ) : null}
              <span className="text-slate-500">
                <RelativeTime date={row.changedAt} /> · {row.changeSource.replace("_", " ")} by {row.changedBy}
              </span>
            </div>
            {details.length ? <p className="mt-0.5 break-words text-xs text-slate-500">{details.join("; ")}</p> : null}
            {row.notes ? <p className="mt-0.5 text-xs text-slate-600">{row.notes}</p> : null}
          </li>
        );
      })}
    </ol>
  );
}
