"use client";
// drain / ready / maint on one HAProxy server, for operators. maint drops the server's open
// connections, so it asks first (the dialog exists only while asked: a page holds many rows).
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { rowButton } from "./row-button";

type Command = "drain" | "ready" | "maint";

export function ServerActions({ serverId, label, status }: { serverId: number; label: string; status: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
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
          onClick={() => run("drain")}
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
          onClick={() => setConfirming(true)}
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
          title={`Put ${label} in maintenance?`}
          confirmLabel="Put in maintenance"
          onConfirm={() => run("maint")}
          onClose={() => setConfirming(false)}
        >
          <p>
            Maintenance takes the server out of the pool at once and drops its open connections. Drain lets them finish.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
