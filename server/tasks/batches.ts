// Splits the chosen instances into batches by a group's batch_grouping_strategy. Pure. Batches
// run one after another; the instances of one batch are drained and updated together.
//   one_at_a_time       one instance per batch
//   by_server           all chosen instances of one server per batch
//   fixed_size          batches of N (the group's batch_size; the last may be smaller)
//   by_instance_number  all instances numbered 1, then all numbered 2 ... (jurws_1 on every server first)
//   all_at_once         a single batch
import type { BatchGroupingStrategy } from "../generated/prisma/enums";

export type Batchable = { name: string; number: number; server: { name: string } };

const byServerThenNumber = (a: Batchable, b: Batchable) =>
  a.server.name.localeCompare(b.server.name, "en") || a.number - b.number || a.name.localeCompare(b.name, "en");

function groupBy<T>(items: T[], key: (item: T) => string | number): T[][] {
  const groups = new Map<string | number, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return [...groups.values()];
}

export function makeBatches<T extends Batchable>(
  instances: T[],
  strategy: BatchGroupingStrategy,
  batchSize: number | null,
): T[][] {
  const sorted = [...instances].sort(byServerThenNumber);
  if (sorted.length === 0) return [];
  switch (strategy) {
    case "one_at_a_time":
      return sorted.map((instance) => [instance]);
    case "by_server":
      return groupBy(sorted, (instance) => instance.server.name);
    case "fixed_size": {
      const size = Math.max(1, batchSize ?? 1);
      return Array.from({ length: Math.ceil(sorted.length / size) }, (_, i) => sorted.slice(i * size, (i + 1) * size));
    }
    case "by_instance_number":
      return groupBy(
        [...sorted].sort((a, b) => a.number - b.number || byServerThenNumber(a, b)),
        (instance) => instance.number,
      );
    case "all_at_once":
      return [sorted];
  }
}

/**
 * The canary first: the instance that would lead the first batch alone, then the others batched
 * as the strategy says (docs/update-tasks.md, "Multi-group rollouts and canaries").
 */
export function makeBatchesWithCanary<T extends Batchable>(
  instances: T[],
  strategy: BatchGroupingStrategy,
  batchSize: number | null,
): T[][] {
  const canary = makeBatches(instances, strategy, batchSize)[0]?.[0];
  if (!canary) return [];
  return [
    [canary],
    ...makeBatches(
      instances.filter((i) => i !== canary),
      strategy,
      batchSize,
    ),
  ];
}
