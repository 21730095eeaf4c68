"use client";
// The rollout page's groups: the ones picked, in the order they will be updated, each with its
// target version (from the group's available versions, or typed) and its batching (the group's,
// or its own for this rollout: stage-batching.tsx), moved with Up / Down buttons
// (plain buttons: the keyboard reaches them with Tab, no dragging needed); and the search that
// adds a group.
import { useQuery } from "@tanstack/react-query";
import { useDeferredValue, useEffect, useId, useState } from "react";
import { useTRPC } from "@/components/trpc";
import { Button, Field, Input } from "@/components/ui/controls";
import { groupBatching, StageBatchingFields, type StageBatchingDraft } from "./stage-batching";

/** A group picked for the rollout; names repeat across app types, so the type goes with it. */
export type StageDraft = {
  groupId: number;
  name: string;
  appType: string;
  instances: number;
  targetVersion: string;
  batching: StageBatchingDraft;
};
const described = (g: Pick<StageDraft, "name" | "appType">) => `${g.name} (${g.appType})`;

function VersionField({ stage, onChange }: { stage: StageDraft; onChange: (version: string) => void }) {
  const trpc = useTRPC();
  const listId = useId();
  const versions = useQuery(trpc.tasks.versions.queryOptions({ groupId: stage.groupId }));
  const newest = versions.data?.versions[0];
  // The newest available version is the usual target: offered once, the operator may change it.
  useEffect(() => {
    if (newest && !stage.targetVersion) onChange(newest);
  }, [newest]); // eslint-disable-line react-hooks/exhaustive-deps -- only when the list arrives
  return (
    <Field label={`Target version for ${described(stage)}`}>
      <Input
        required
        list={listId}
        value={stage.targetVersion}
        onChange={(e) => onChange(e.target.value)}
        placeholder={versions.isLoading ? "reading versions…" : (newest ?? "e.g. 1.4.2")}
      />
      <datalist id={listId}>
        {versions.data?.versions.map((v) => (
          <option key={v} value={v} />
        ))}
      </datalist>
    </Field>
  );
}

export function StageList({ stages, onChange }: { stages: StageDraft[]; onChange: (stages: StageDraft[]) => void }) {
  const patch = (i: number, change: Partial<StageDraft>) =>
    onChange(stages.map((s, k) => (k === i ? { ...s, ...change } : s)));
  const move = (from: number, to: number) => {
    const next = [...stages];
    const [stage] = next.splice(from, 1);
    next.splice(to, 0, stage!);
    onChange(next);
  };
  if (!stages.length) return <p className="text-sm text-slate-600">No group yet: find one below and add it.</p>;
  return (
    <ol className="space-y-2" aria-label="Groups in rollout order" data-testid="rollout-stages">
      {stages.map((stage, i) => (
        <li
          key={stage.groupId}
          className="grid gap-2 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-[1fr_14rem_auto] sm:items-end"
          data-testid="rollout-stage"
        >
          <div className="text-sm">
            <span className="font-semibold text-slate-900">
              {i + 1}. {stage.name}
            </span>{" "}
            <span className="text-slate-500">
              {stage.appType} · {stage.instances} instance{stage.instances === 1 ? "" : "s"}
            </span>
          </div>
          <VersionField stage={stage} onChange={(targetVersion) => patch(i, { targetVersion })} />
          <div className="flex flex-wrap gap-1">
            <Button
              type="button"
              variant="secondary"
              aria-label={`Move ${described(stage)} up`}
              disabled={i === 0}
              onClick={() => move(i, i - 1)}
            >
              ↑ Up
            </Button>
            <Button
              type="button"
              variant="secondary"
              aria-label={`Move ${described(stage)} down`}
              disabled={i === stages.length - 1}
              onClick={() => move(i, i + 1)}
            >
              ↓ Down
            </Button>
            <Button
              type="button"
              variant="secondary"
              aria-label={`Remove ${described(stage)}`}
              onClick={() => onChange(stages.filter((_, k) => k !== i))}
            >
              Remove
            </Button>
          </div>
          <div className="sm:col-span-3">
            <StageBatchingFields
              draft={stage.batching}
              name={described(stage)}
              onChange={(change) => patch(i, { batching: { ...stage.batching, ...change } })}
            />
          </div>
        </li>
      ))}
    </ol>
  );
}

/** Finds groups by name (the first 10 matches) and adds one at the end of the order. */
export function GroupPicker({ picked, onAdd }: { picked: number[]; onAdd: (stage: StageDraft) => void }) {
  const trpc = useTRPC();
  const [q, setQ] = useState("");
  const query = useDeferredValue(q.trim());
  const groups = useQuery(trpc.groups.list.queryOptions({ q: query || undefined, pageSize: 10 }));
  const found = groups.data?.items.filter((g) => !picked.includes(g.id)) ?? [];
  return (
    <div className="space-y-2">
      <Field label="Find a group to add">
        <Input type="search" value={q} maxLength={100} onChange={(e) => setQ(e.target.value)} placeholder="name" />
      </Field>
      {groups.isError ? (
        <p className="text-sm text-red-700" role="alert">
          Could not read the groups: {groups.error.message}
        </p>
      ) : groups.isLoading ? (
        <p className="text-sm text-slate-500">Reading groups…</p>
      ) : found.length === 0 ? (
        <p className="text-sm text-slate-500">{query ? `No other group matches “${query}”.` : "No other group."}</p>
      ) : (
        <ul className="flex flex-wrap gap-2" aria-label="Groups found">
          {found.map((g) => {
            const stage = { groupId: g.id, name: g.name, appType: g.catalog?.appType ?? "app", instances: g.instances };
            return (
              <li key={g.id}>
                <Button
                  type="button"
                  variant="secondary"
                  aria-label={`Add ${described(stage)}, ${g.instances} instance${g.instances === 1 ? "" : "s"}`}
                  onClick={() =>
                    onAdd({
                      ...stage,
                      targetVersion: "",
                      batching: groupBatching({ strategy: g.batchGroupingStrategy, batchSize: g.batchSize }),
                    })
                  }
                >
                  + {g.name}{" "}
                  <span className="text-slate-500">
                    {stage.appType} · {g.instances}
                  </span>
                </Button>
              </li>
            );
          })}
        </ul>
      )}
      {groups.data && groups.data.total > groups.data.items.length ? (
        <p className="text-xs text-slate-500">
          Showing {groups.data.items.length} of {groups.data.total}: type more of the name to narrow it.
        </p>
      ) : null}
    </div>
  );
}
