"use client";
// drain / ready / maint on one HAProxy server, for operators. maint drops the server's open
// connections, so it asks first (the dialog exists only while asked: a page holds many rows).
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { Button } from "@/components/ui/controls";
import { rowButton } from "./row-button";

type Command = "drain" | "ready" | "maint";

function ConfirmMaint({ label, onConfirm, onClose }: { label: string; onConfirm: () => void; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog
      ref={dialog}
      onClose={onClose}
      aria-label={`Put ${label} in maintenance`}
      className="m-auto max-w-md rounded-lg p-5 shadow-xl backdrop:bg-slate-900/40"
    >
      <form method="dialog" className="space-y-4">
        <h2 className="text-base font-semibold text-slate-900">Put {label} in maintenance?</h2>
        <p className="text-sm text-slate-600">
          Maintenance takes the server out of the pool at once and drops its open connections. Drain lets them finish.
        </p>
        <div className="flex justify-end gap-2">
          <Button type="submit" variant="secondary" autoFocus>
            Cancel
          </Button>
          <Button type="button" variant="danger" onClick={() => (dialog.current?.close(), onConfirm())}>
            Put in maintenance
          </Button>
        </div>
      </form>
    </dialog>
  );
}

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
        <ConfirmMaint label={label} onConfirm={() => run("maint")} onClose={() => setConfirming(false)} />
      ) : null}
    </div>
  );
}
