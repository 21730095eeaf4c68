// One application instance as a table row, the same on the applications list, a server's page and a
// group's page; each names the columns it shows, in its order, and InstanceHead draws the matching
// headers. No "use client" and no hooks: the group page's client table renders it too.
// docs/architecture.md, "UI kit".
import Link from "next/link";
import type { ReactNode } from "react";
import { SortHeader, Th, tdClass, theadClass } from "./data-table";
import { RelativeTime } from "./relative-time";
import { StatusBadge } from "./status-badge";
import type { QueryValues } from "@/lib/href";

export type InstanceRowData = {
  id: number;
  instanceName: string;
  status: string;
  version: string | null;
  lastSeen: Date | string | null;
  server?: { id: number; name: string };
  /** Shown under the name, as a link to the group. */
  group?: { id: number; name: string } | null;
  appType?: string;
  /** The image of a docker app, the path of the others. */
  location?: string | null;
  ip?: string | null;
  port?: number | null;
  /** Its version differs from the group's most common one. */
  drifted?: boolean;
  /** It has settings of its own. */
  hasOverrides?: boolean;
};

export type InstanceColumn =
  "instance" | "server" | "type" | "status" | "version" | "location" | "address" | "lastSeen";

const headers: Record<InstanceColumn, string> = {
  instance: "Instance",
  server: "Server",
  type: "Type",
  status: "Status",
  version: "Version",
  location: "Image / path",
  address: "Address",
  lastSeen: "Last seen",
};

type Sorting = {
  header: { basePath: string; params: QueryValues; sort: string; dir: "asc" | "desc" };
  /** The sort key of each sortable column; `lastSeen` sorts newest first on its first click. */
  columns: Partial<Record<InstanceColumn, string>>;
};

export function InstanceHead({
  columns,
  labels = {},
  sorting,
}: {
  columns: InstanceColumn[];
  labels?: Partial<Record<InstanceColumn, string>>;
  sorting?: Sorting;
}) {
  return (
    <thead className={theadClass}>
      <tr>
        {columns.map((column) => {
          const label = labels[column] ?? headers[column];
          const key = sorting?.columns[column];
          return key && sorting ? (
            <SortHeader
              key={column}
              label={label}
              column={key}
              defaultDir={column === "lastSeen" ? "desc" : "asc"}
              {...sorting.header}
            />
          ) : (
            <Th key={column}>{label}</Th>
          );
        })}
      </tr>
    </thead>
  );
}

const linkClass = "text-sky-800 hover:underline";

function RowLink({
  plain,
  href,
  className,
  children,
}: {
  plain: boolean;
  href: string;
  className: string;
  children: ReactNode;
}) {
  return plain ? (
    <a href={href} className={className}>
      {children}
    </a>
  ) : (
    <Link href={href} className={className}>
      {children}
    </Link>
  );
}

function Cell({
  column,
  instance,
  commonVersion,
  plain,
}: {
  column: InstanceColumn;
  instance: InstanceRowData;
  commonVersion?: string | null;
  plain: boolean;
}) {
  switch (column) {
    case "instance":
      return (
        <td className={`${tdClass} font-medium`}>
          <RowLink plain={plain} href={`/applications/${instance.id}`} className={linkClass}>
            {instance.instanceName}
          </RowLink>
          {instance.hasOverrides ? (
            <span className="ml-2 rounded bg-violet-100 px-1.5 py-0.5 text-xs text-violet-800">own settings</span>
          ) : null}
          {instance.group ? (
            <RowLink
              plain={plain}
              href={`/groups/${instance.group.id}`}
              className="block text-xs font-normal text-slate-500 hover:underline"
            >
              group {instance.group.name}
            </RowLink>
          ) : null}
        </td>
      );
    case "server":
      return (
        <td className={tdClass}>
          {instance.server ? (
            <RowLink plain={plain} href={`/servers/${instance.server.id}`} className={linkClass}>
              {instance.server.name}
            </RowLink>
          ) : null}
        </td>
      );
    case "type":
      return <td className={tdClass}>{instance.appType}</td>;
    case "status":
      return (
        <td className={tdClass}>
          <StatusBadge status={instance.status} />
        </td>
      );
    case "version":
      return (
        <td className={`${tdClass} whitespace-nowrap`}>
          <span className="font-mono text-xs" data-testid="instance-version">
            {instance.version ?? "—"}
          </span>
          {instance.drifted ? (
            <span className="ml-2 text-xs font-medium text-amber-800">differs from {commonVersion}</span>
          ) : null}
        </td>
      );
    case "location":
      return (
        <td className={`${tdClass} min-w-56 max-w-xs break-all font-mono text-xs text-slate-600`}>
          {instance.location ?? "—"}
        </td>
      );
    case "address":
      return (
        <td className={`${tdClass} whitespace-nowrap font-mono text-xs`}>
          {instance.ip ? `${instance.ip}${instance.port ? `:${instance.port}` : ""}` : (instance.port ?? "—")}
        </td>
      );
    case "lastSeen":
      return (
        <td className={`${tdClass} whitespace-nowrap`}>
          <RelativeTime date={instance.lastSeen} />
        </td>
      );
  }
}

export function InstanceRow({
  instance,
  columns,
  commonVersion,
  plainLinks = false,
}: {
  instance: InstanceRowData;
  columns: InstanceColumn[];
  /** The group's most common version, named next to a drifted one. */
  commonVersion?: string | null;
  /**
   * Plain <a> links: a table of hundreds of rows would otherwise mount as many next/link
   * components, each prefetching its page once scrolled into view.
   */
  plainLinks?: boolean;
}) {
  return (
    <tr
      data-testid="instance-row"
      data-drift={instance.drifted || undefined}
      className={instance.drifted ? "bg-amber-50" : undefined}
    >
      {columns.map((column) => (
        <Cell key={column} column={column} instance={instance} commonVersion={commonVersion} plain={plainLinks} />
      ))}
    </tr>
  );
}
