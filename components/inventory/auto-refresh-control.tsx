"use client";
// Re-renders the page's server components every N seconds (router.refresh keeps the URL, the
// scroll position and client state). The choice is remembered per user.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useTRPC } from "@/components/trpc";

const choices = [0, 5, 15, 30, 60] as const;
type Seconds = (typeof choices)[number];

export function AutoRefreshControl({ initialSeconds }: { initialSeconds: number }) {
  const router = useRouter();
  const trpc = useTRPC();
  const save = useMutation(trpc.users.setRefreshInterval.mutationOptions());
  const [seconds, setSeconds] = useState<Seconds>(choices.find((c) => c === initialSeconds) ?? 0);

  useEffect(() => {
    if (seconds === 0) return;
    const timer = setInterval(() => {
      if (!document.hidden) router.refresh(); // a background tab need not load the database
    }, seconds * 1000);
    return () => clearInterval(timer);
  }, [seconds, router]);

  return (
    <label className="flex items-center gap-2 text-sm text-slate-600" data-testid="auto-refresh">
      <span>Auto-refresh</span>
      <select
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
        value={seconds}
        onChange={(event) => {
          const next = Number(event.target.value) as Seconds;
          setSeconds(next);
          save.mutate({ seconds: next });
        }}
      >
        {choices.map((c) => (
          <option key={c} value={c}>
            {c === 0 ? "Off" : `${c} s`}
          </option>
        ))}
      </select>
      {save.isError ? <span className="text-xs text-red-700">not saved</span> : null}
    </label>
  );
}
