// "Recent changes" on a server, group, instance, HAProxy instance or server, or user page: the
// newest audit rows about that target, for whoever may read the audit log (operators: their own
// rows). A server component: it reads through the page's caller.
import Link from "next/link";
import { Card } from "@/components/ui/states";
import { hrefWith } from "@/lib/href";
import type { AuditTargetType } from "@/lib/audit-targets";
import { can } from "@/server/auth/current-actor";
import { api } from "@/server/trpc/server-caller";
import { AuditTable } from "./audit-table";

export async function TargetHistory({
  targetType,
  targetId,
}: {
  targetType: AuditTargetType;
  targetId: number | string;
}) {
  if (!(await can("audit.read"))) return null;
  const id = String(targetId);
  const rows = await (await api()).audit.forTarget({ targetType, targetId: id, limit: 10 });
  return (
    <Card
      title="Recent changes"
      actions={
        <Link className="text-sm text-sky-800 hover:underline" href={hrefWith("/audit", { targetType, targetId: id })}>
          Full history
        </Link>
      }
    >
      <AuditTable rows={rows} compact empty="No recorded changes" />
    </Card>
  );
}
