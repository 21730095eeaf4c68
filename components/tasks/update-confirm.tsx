"use client";
// The update dialog's confirmation (the shared ConfirmDialog, like the rollout form's): it names
// the group, the target version and how many instances a start would update, batch by batch.
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { plural } from "@/lib/plural";
import type { Plan } from "@/server/tasks/plan-types";
import { batchInstances } from "./plan-lines";

/** Batches listed at most; a group of hundreds says how many more. */
const LISTED = 20;

export function UpdateConfirm({
  plan,
  canary,
  haproxy,
  busy,
  onConfirm,
  onClose,
}: {
  plan: Plan;
  canary: boolean;
  /** The run drains each batch's HAProxy servers (orchestrateHaproxy). */
  haproxy: boolean;
  busy: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const instances = plan.batches.reduce((n, b) => n + b.instances.length, 0);
  const group = plan.group ? ` of group ${plan.group.name}` : "";
  const batchLine = (b: Plan["batches"][number]) => `${b.index + 1}. ${batchInstances(b)}`;
  return (
    <ConfirmDialog
      title={`Update ${plural(instances, "instance")}${group} to ${plan.targetVersion}?`}
      confirmLabel="Start update"
      items={plan.batches.slice(0, LISTED).map(batchLine)}
      more={Math.max(0, plan.batches.length - LISTED)}
      busy={busy}
      onConfirm={onConfirm}
      onClose={onClose}
    >
      <p>
        {plural(plan.batches.length, "batch", "batches")}, one after the other
        {haproxy ? ", each drained in HAProxy while it is updated." : "; HAProxy is left alone."}
        {canary ? " The first instance is updated alone, then the update pauses until someone continues." : ""}
      </p>
    </ConfirmDialog>
  );
}
