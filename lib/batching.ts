// How an update batches a group's instances (docs/update-tasks.md, "The plan"), in one place for
// the API (a group's setting, an update, a rollout's stage) and the forms that fill those fields,
// so a form refuses exactly what the API refuses, with the same words.
import { z } from "zod";
import type { BatchGroupingStrategy } from "@/server/generated/prisma/enums";

export const BATCH_SIZE_MIN = 1;
export const BATCH_SIZE_MAX = 1000;

/** Instances per batch of the fixed_size strategy. */
export const batchSizeSchema = z
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .min(BATCH_SIZE_MIN, `at least ${BATCH_SIZE_MIN}`)
  .max(BATCH_SIZE_MAX, `at most ${BATCH_SIZE_MAX}`);

// A type-only import keeps server/ out of the browser bundle; the Record type still fails the
// typecheck when the schema gains a strategy this list lacks.
export const strategyLabel: Record<BatchGroupingStrategy, string> = {
  one_at_a_time: "One instance at a time",
  by_server: "By server",
  fixed_size: "Fixed batch size",
  by_instance_number: "By instance number",
  all_at_once: "All at once",
};
export const strategies = Object.keys(strategyLabel) as BatchGroupingStrategy[];

/** "fixed size 2", "by server": a stage's or group's batching in a line of text. */
export const batchingText = (strategy: BatchGroupingStrategy, batchSize: number | null) =>
  strategy === "fixed_size" ? `fixed size ${batchSize ?? BATCH_SIZE_MIN}` : strategy.replaceAll("_", " ");
