"use client";
// drain / ready / maint on one HAProxy server, for operators. drain and maint take the server out
// of the pool, so they ask first through the one confirmation (components/ui/confirm-dialog.tsx);
// ready puts it back and does not.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { rowButton } from "./row-button";

type Command = "drain" | "ready" | "maint";

const asks = {
  drain: (label: string) => ({
    title: `Drain ${label}?`,
    confirmLabel: "Drain",
    body: "HAProxy sends it no new connections; open ones finish.",
  }),
  maint: (label: string) => ({
    title: `Put ${label} in maintenance?`,
    confirmLabel: "Put in maintenance",
    body: "Maintenance takes the server out of the pool at once and drops its open connections. Drain lets them finish.",
  }),
};

export function ServerActions({ serverId, label, status }: { serverId: number; label: string; status: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [confirming, setConfirming] = useState<"drain" | "maint" | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const command = useMutation(
    trpc.haproxy.command.mutationOptions({
      onSuccess: (result, { command }) => {
        setNote(
          result.ok
            ? `${command}: now ${result.status ?? "unknown"}${result.error ? ` (${result.error})` : ""}`
            : `${command} failed: ${result.error}`,
        );
        router.refresh();
      },
      onError: (error) => setNote(formErrors(error)?.message ?? "failed"),
    }),
  );
  const run = (c: Command) => {
    setNote(null);
    command.mutate({ haproxyServerId: serverId, command: c });
  };
  const busy = command.isPending;

  return (
    <div className="flex flex-col gap-1" data-testid="server-actions">
      <div className="flex gap-1" role="group" aria-label={`Commands for ${label}`}>
        <button
          type="button"
          className={rowButton}
          disabled={busy || status === "DRAIN"}
          onClick={() => setConfirming("drain")}
          aria-label={`Drain ${label}`}
        >
          Drain
        </button>
        <button
          type="button"
          className={rowButton}
          disabled={busy}
          onClick={() => run("ready")}
          aria-label={`Ready ${label}`}
        >
          Ready
        </button>
        <button
          type="button"
          className={rowButton}
          disabled={busy || status === "MAINT"}
          onClick={() => setConfirming("maint")}
          aria-label={`Maintenance for ${label}`}
        >
          Maint
        </button>
      </div>
      <p
        aria-live="polite"
        className={`text-xs ${note?.includes("failed") ? "text-red-700" : "text-slate-600"}`}
        data-testid="command-note"
      >
        {busy ? "Sending…" : note}
      </p>
      {confirming ? (
        <ConfirmDialog
          {...asks[confirming](label)}
          danger={confirming === "maint"}
          onConfirm={() => run(confirming)}
          onClose={() => setConfirming(null)}
        >
          <p>{asks[confirming](label).body}</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
