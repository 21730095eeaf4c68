"use client";
// "Poll now" for operators: polls one server (or all) right away, shows that it is working and
// then what happened, and refreshes the page's data.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { Button } from "@/components/ui/controls";
import { StatusBadge } from "@/components/ui/status-badge";

type Outcome = {
  server: string;
  status: string;
  result: "updated" | "unchanged" | "offline" | "apps_failed";
  error: string | null;
  counts: { created: number; updated: number; vanished: number; versionChanges: number; events: number };
};

function describe(outcome: Outcome): string {
  const { created, updated, vanished, versionChanges } = outcome.counts;
  switch (outcome.result) {
    case "updated":
      return `Updated: ${created} new, ${updated} changed, ${vanished} gone, ${versionChanges} version change${versionChanges === 1 ? "" : "s"}${outcome.error ? ` (${outcome.error})` : ""}`;
    case "unchanged":
      return "No change since the last poll";
    case "offline":
      return `The agent did not answer: ${outcome.error}`;
    case "apps_failed":
      return `The agent answered, but its app list could not be used: ${outcome.error}`;
  }
}

function useElapsedSeconds(running: boolean) {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    if (!running) return;
    const started = Date.now();
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 500);
    return () => {
      clearInterval(timer);
      setSeconds(0);
    };
  }, [running]);
  return seconds;
}

export function PollNowButton({ serverId, label = "Poll now" }: { serverId?: number; label?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const poll = useMutation(trpc.servers.pollNow.mutationOptions({ onSuccess: () => router.refresh() }));
  const elapsed = useElapsedSeconds(poll.isPending);
  const error = formErrors(poll.error);
  const single = poll.data && serverId !== undefined ? poll.data.outcomes[0] : undefined;

  return (
    <div className="flex flex-col items-start gap-1" data-testid="poll-now">
      <Button
        onClick={() => poll.mutate(serverId !== undefined ? { serverId } : { all: true })}
        disabled={poll.isPending}
        aria-busy={poll.isPending}
      >
        {poll.isPending ? `Polling… ${elapsed} s` : label}
      </Button>
      <div aria-live="polite" className="max-w-md text-sm" data-testid="poll-outcome">
        {poll.isPending ? (
          <span className="text-slate-500">Asking the agent{serverId === undefined ? "s" : ""}…</span>
        ) : null}
        {single ? (
          <span className="flex flex-wrap items-center gap-2">
            <StatusBadge status={single.status} />
            {describe(single)}
          </span>
        ) : null}
        {poll.data && serverId === undefined ? (
          <span>
            Polled {poll.data.summary.servers} servers in {(poll.data.summary.durationMs / 1000).toFixed(1)} s:{" "}
            {poll.data.summary.online} online, {poll.data.summary.offline} offline, {poll.data.summary.failures} failed,{" "}
            {poll.data.summary.versionChanges} version changes.
          </span>
        ) : null}
        {error ? <span className="text-red-700">{error.message}</span> : null}
      </div>
    </div>
  );
}
