// An update plan as a table: each batch's instances with current → target version, the playbook
// and artifact URL they use (and where that setting comes from), and the HAProxy servers drained
// around the batch. Shown in the update dialog's preview, the rollout page and on the task page; a
// rollout's batches come under a heading per stage (its group and version).
import { SourceBadge } from "@/components/inventory/effective-settings";
import { StatusBadge } from "@/components/ui/status-badge";
import type { BatchProgress, Plan, PlanStage } from "@/server/tasks/plan-types";
import { stageBatching } from "./plan-lines";

const cell = "px-2 py-1.5 align-top";

export function PlanNotes({ plan }: { plan: Pick<Plan, "warnings" | "problems"> }) {
  if (!plan.warnings.length && !plan.problems.length) return null;
  return (
    <ul className="space-y-1 text-sm" data-testid="plan-notes">
      {plan.problems.map((p) => (
        <li key={p} role="alert" className="rounded bg-red-50 px-2 py-1 text-red-800">
          {p}
        </li>
      ))}
      {plan.warnings.map((w) => (
        <li key={w} className="rounded bg-amber-50 px-2 py-1 text-amber-900">
          {w}
        </li>
      ))}
    </ul>
  );
}

/** The stage a batch belongs to (a plan stored before rollouts has none: its own version applies). */
const stageOf = (plan: Plan, index: number): PlanStage | undefined =>
  plan.stages?.find((s) => index >= s.firstBatch && index < s.firstBatch + s.batchCount);

function StageHeading({ plan, stage }: { plan: Plan; stage: PlanStage }) {
  const n = plan.stages!.indexOf(stage) + 1;
  return (
    <tbody className="border-t border-slate-300 bg-slate-50" data-testid="plan-stage">
      <tr>
        <th colSpan={6} scope="colgroup" className={`${cell} text-left font-semibold text-slate-800`}>
          Stage {n} / {plan.stages!.length}: {stage.group?.name ?? "—"} → {stage.targetVersion}{" "}
          <span className="font-normal text-slate-600">({stageBatching(stage)})</span>
        </th>
      </tr>
    </tbody>
  );
}

export function PlanView({ plan, batches }: { plan: Plan; batches?: BatchProgress[] }) {
  const multi = (plan.stages?.length ?? 0) > 1;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-sm" aria-label="Update plan" data-testid="plan">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            <th className={cell}>Batch</th>
            <th className={cell}>Instance</th>
            <th className={cell}>Version</th>
            <th className={cell}>Playbook</th>
            <th className={cell}>Artifact URL</th>
            <th className={cell}>HAProxy servers drained</th>
          </tr>
        </thead>
        {plan.batches.map((batch) => {
          const stage = stageOf(plan, batch.index);
          return [
            multi && stage?.firstBatch === batch.index ? (
              <StageHeading key={`stage-${batch.index}`} plan={plan} stage={stage} />
            ) : null,
            <tbody key={batch.index} className="border-t border-slate-200" data-testid="plan-batch">
              {batch.instances.map((i, row) => (
                <tr key={i.id}>
                  {row === 0 ? (
                    <th
                      scope="rowgroup"
                      rowSpan={batch.instances.length}
                      className={`${cell} whitespace-nowrap text-left font-medium`}
                    >
                      {batch.index + 1} / {plan.batches.length}
                      {batch.canary ? <div className="text-xs font-normal text-amber-800">canary</div> : null}
                      {batches?.[batch.index] ? (
                        <div className="mt-1">
                          <StatusBadge status={batches[batch.index]!.status} />
                        </div>
                      ) : null}
                    </th>
                  ) : null}
                  <td className={cell}>
                    <span className="font-medium">{i.name}</span>{" "}
                    <span className="text-slate-500">on {i.server.name}</span>
                    {i.eureka ? (
                      <div className="text-xs text-slate-500" title={i.eureka.skip ?? i.eureka.registry ?? undefined}>
                        Eureka {i.eureka.app || "—"}
                        {i.eureka.registry ? "" : " (left alone)"}
                      </div>
                    ) : null}
                  </td>
                  <td className={`${cell} whitespace-nowrap font-mono text-xs`}>
                    {i.currentVersion ?? "—"} →{" "}
                    <span className="font-semibold">{stage?.targetVersion ?? plan.targetVersion}</span>
                  </td>
                  <td className={cell}>
                    <span className="break-all font-mono text-xs">{i.playbook.value}</span>{" "}
                    <SourceBadge source={i.playbook.source} />
                  </td>
                  <td className={cell}>
                    <span className="break-all font-mono text-xs">{i.artifactUrl.value ?? "—"}</span>{" "}
                    <SourceBadge source={i.artifactUrl.source} />
                  </td>
                  <td className={cell}>
                    {i.haproxy.length ? (
                      i.haproxy.map((h) => (
                        <div key={h.haproxyServerId} className="font-mono text-xs">
                          {h.label}
                        </div>
                      ))
                    ) : (
                      <span className="text-slate-400">none</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>,
          ];
        })}
      </table>
    </div>
  );
}
