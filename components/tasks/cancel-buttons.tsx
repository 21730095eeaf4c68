"use client";
// Cancel a task: after its current step (a running playbook completes), or now (the playbook's
// process group is terminated; the batch's HAProxy servers stay drained for inspection). A paused
// task has no current step: one confirmed Cancel ends it.
import { useMutation } from "@tanstack/react-query";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Button } from "@/components/ui/controls";

/** "Cancel now", as a running task and a paused one ask it. */
const stopNow = {
  running: {
    label: "Stop now",
    ask: {
      title: "Stop the task now?",
      confirmLabel: "Stop now",
      body: "A running playbook is terminated and this batch's HAProxy servers stay drained.",
    },
  },
  paused: {
    label: "Cancel task",
    ask: {
      title: "Cancel the paused task?",
      confirmLabel: "Cancel the task",
      body: "It ends here: the batches done stay updated, the others are not touched.",
    },
  },
};

export function CancelButtons({ id, requested, paused }: { id: string; requested: boolean; paused?: boolean }) {
  const trpc = useTRPC();
  const cancel = useMutation(trpc.tasks.cancel.mutationOptions());
  const error = formErrors(cancel.error);
  const now = stopNow[paused ? "paused" : "running"];
  return (
    <div className="flex flex-wrap items-center gap-2">
      {paused ? null : (
        <Button
          variant="secondary"
          disabled={cancel.isPending || requested}
          onClick={() => cancel.mutate({ id, mode: "after_step" })}
        >
          Cancel after current step
        </Button>
      )}
      <ConfirmButton disabled={cancel.isPending} ask={now.ask} onConfirm={() => cancel.mutate({ id, mode: "now" })}>
        {now.label}
      </ConfirmButton>
      {requested || cancel.data ? (
        <span className="text-sm text-amber-800" role="status">
          {cancel.data?.note ?? "Cancel requested."}
        </span>
      ) : null}
      {error ? (
        <span className="text-sm text-red-700" role="alert">
          {error.message}
        </span>
      ) : null}
    </div>
  );
}
