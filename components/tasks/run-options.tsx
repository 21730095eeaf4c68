"use client";
// How a run is paced and guarded, the same fields for one group's update (update-dialog.tsx) and a
// multi-group rollout (rollout-form.tsx): drain delay and the wait for sessions, the waits after
// the playbook, HAProxy draining, Eureka and the canary (docs/update-tasks.md).
import { Field, Input, Select } from "@/components/ui/controls";

/** The configured defaults of a run's pacing (update-defaults.ts). */
export type RunDefaults = {
  drainDelaySec: number;
  drainTimeoutSec: number;
  drainSessionThreshold: number;
  onDrainTimeout: "fail" | "continue";
  waitAfterUpdateSec: number;
  confirmTimeoutSec: number;
};

export type RunOptions = RunDefaults & { orchestrateHaproxy: boolean; eureka: boolean; canary: boolean };

type NumberOption =
  "drainDelaySec" | "drainTimeoutSec" | "drainSessionThreshold" | "waitAfterUpdateSec" | "confirmTimeoutSec";

const numberFields: { key: NumberOption; label: string; min: number; max: number }[] = [
  { key: "drainDelaySec", label: "Drain delay (s)", min: 0, max: 3600 },
  { key: "drainTimeoutSec", label: "Wait for sessions, at most (s; 0 = don't)", min: 0, max: 3600 },
  { key: "drainSessionThreshold", label: "Sessions left to go on", min: 0, max: 100_000 },
  { key: "waitAfterUpdateSec", label: "Wait after update (s)", min: 0, max: 3600 },
  { key: "confirmTimeoutSec", label: "Agent confirm timeout (s)", min: 1, max: 3600 },
];

export function RunOptionFields({
  value,
  onChange,
  errors,
  eurekaOffered,
  canaryLabel,
}: {
  value: RunOptions;
  onChange: (patch: Partial<RunOptions>) => void;
  errors?: Partial<Record<string, string>>;
  /** A preview showed an instance registered in Eureka (the checkbox stays once ticked). */
  eurekaOffered: boolean;
  canaryLabel: string;
}) {
  return (
    <div className="space-y-2 text-sm">
      <div className="grid gap-3 sm:grid-cols-3">
        {numberFields.map(({ key, label, min, max }) => (
          <Field key={key} label={label} error={errors?.[key]}>
            <Input
              type="number"
              min={min}
              max={max}
              value={value[key]}
              onChange={(e) => onChange({ [key]: Number(e.target.value) })}
            />
          </Field>
        ))}
        <Field label="If sessions remain at the end">
          <Select
            value={value.onDrainTimeout}
            onChange={(e) => onChange({ onDrainTimeout: e.target.value as "fail" | "continue" })}
          >
            <option value="fail">Stop (the batch fails)</option>
            <option value="continue">Update anyway</option>
          </Select>
        </Field>
      </div>
      <label className="flex items-start gap-2">
        <input
          type="checkbox"
          checked={value.orchestrateHaproxy}
          onChange={(e) => onChange({ orchestrateHaproxy: e.target.checked })}
        />
        <span>Drain the instances&apos; HAProxy servers around each batch</span>
      </label>
      {eurekaOffered || value.eureka ? (
        <label className="flex items-start gap-2">
          <input type="checkbox" checked={value.eureka} onChange={(e) => onChange({ eureka: e.target.checked })} />
          <span>Set instances registered in Eureka OUT_OF_SERVICE around each batch</span>
        </label>
      ) : null}
      <label className="flex items-start gap-2">
        <input type="checkbox" checked={value.canary} onChange={(e) => onChange({ canary: e.target.checked })} />
        <span>{canaryLabel}</span>
      </label>
    </div>
  );
}

/** The options a new run starts with: the configured defaults, HAProxy on, Eureka and canary off. */
export function initialRunOptions(defaults: RunDefaults): RunOptions {
  // Field by field: the callers' defaults hold their batching fields too.
  const {
    drainDelaySec,
    drainTimeoutSec,
    drainSessionThreshold,
    onDrainTimeout,
    waitAfterUpdateSec,
    confirmTimeoutSec,
  } = defaults;
  return {
    orchestrateHaproxy: true,
    eureka: false,
    canary: false,
    drainDelaySec,
    drainTimeoutSec,
    drainSessionThreshold,
    onDrainTimeout,
    waitAfterUpdateSec,
    confirmTimeoutSec,
  };
}

/** Whether a previewed plan holds an instance its agent reports as registered in Eureka. */
export const planHasEureka = (plan: { batches: { instances: { eureka?: unknown }[] }[] } | undefined) =>
  plan?.batches.some((b) => b.instances.some((i) => i.eureka)) ?? false;
