"use client";
// "Sync now" for one instance: the sync runs in the background; its progress is read every
// second until it ends, then the page's data is refreshed.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import type { SyncProgress } from "@/server/haproxy/sync";
import { rowButton } from "./row-button";

const describe = (p: SyncProgress | null) =>
  p?.phase === "servers"
    ? `Syncing… ${p.backendsDone}/${p.backendsTotal} backends`
    : p
      ? `Syncing… ${p.phase}`
      : "Syncing…";

export function SyncButton({ instanceId, name, running }: { instanceId: number; name: string; running: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const start = useMutation(trpc.haproxy.syncNow.mutationOptions());
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  const [error, setError] = useState<string | null>(null);

  const sync = async () => {
    setBusy(true);
    setError(null);
    try {
      await start.mutateAsync({ instanceId });
      // A sync is bounded by the agent timeouts; this loop ends with it.
      for (;;) {
        const status = await queryClient.fetchQuery({
          ...trpc.haproxy.syncStatus.queryOptions({ instanceId }),
          staleTime: 0,
        });
        setProgress(status.running);
        if (!status.running) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      router.refresh();
    } catch (e) {
      setError(formErrors(e)?.message ?? String(e));
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };

  return (
    <span className="inline-flex flex-col items-start gap-0.5">
      <button
        type="button"
        className={rowButton}
        disabled={busy || running}
        aria-busy={busy}
        onClick={() => void sync()}
        aria-label={`Sync ${name} now`}
      >
        {busy || running ? describe(progress) : "Sync now"}
      </button>
      <span aria-live="polite" className="text-xs text-red-700">
        {error}
      </span>
    </span>
  );
}
