// What the update dialog starts with: the group's batching, the configured waits.
import "server-only";
import { config } from "@/server/config";
import type { BatchGroupingStrategy } from "@/server/generated/prisma/enums";
import type { UpdateDefaults } from "./update-dialog";

export function updateDefaults(
  group: { batchGroupingStrategy: BatchGroupingStrategy; batchSize: number | null } | null,
): UpdateDefaults {
  const c = config();
  return {
    strategy: group?.batchGroupingStrategy ?? "one_at_a_time",
    batchSize: group?.batchSize ?? null,
    drainDelaySec: c.TASK_DRAIN_DELAY,
    drainTimeoutSec: c.TASK_DRAIN_TIMEOUT,
    drainSessionThreshold: c.TASK_DRAIN_SESSION_THRESHOLD,
    onDrainTimeout: c.TASK_DRAIN_ON_TIMEOUT,
    waitAfterUpdateSec: c.TASK_WAIT_AFTER_UPDATE,
    confirmTimeoutSec: c.TASK_CONFIRM_TIMEOUT,
  };
}
