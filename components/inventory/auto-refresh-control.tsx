"use client";
// How the page stays current: Live (the default: it follows the change feed, one connection per
// tab) or, as the fallback, a re-render every N seconds (router.refresh keeps the URL, the scroll
// position and client state). When live updates cannot connect, the page falls back to 15 s.
// The choice is remembered per user (lib/refresh-choices.ts).
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useLiveRefresh } from "@/components/live/use-live-refresh";
import { useTRPC } from "@/components/trpc";
import type { LiveKind } from "@/lib/live-kinds";
import { formErrors } from "@/components/mutation-error";
import {
  isRefreshChoice,
  LIVE,
  OFF,
  REFRESH_CHOICE_MESSAGE,
  refreshChoices,
  type RefreshChoice,
} from "@/lib/refresh-choices";

const FALLBACK_SECONDS = 15;
const label = (c: RefreshChoice) => (c === LIVE ? "Live" : c === OFF ? "Off" : `${c} s`);
const stateText = { connecting: "connecting…", live: "", unavailable: `unavailable, every ${FALLBACK_SECONDS} s` };

/** The API's own words: the field's message when it refused the value, else the error's. */
const savedError = (error: unknown) => {
  const errors = formErrors(error);
  return errors?.fields.seconds ?? errors?.message ?? "";
};

export function AutoRefreshControl({ initialSeconds, kinds }: { initialSeconds: number; kinds: LiveKind[] }) {
  const router = useRouter();
  const trpc = useTRPC();
  const save = useMutation(trpc.users.setRefreshInterval.mutationOptions());
  const [choice, setChoice] = useState<RefreshChoice>(isRefreshChoice(initialSeconds) ? initialSeconds : LIVE);
  const [invalid, setInvalid] = useState(false);
  const live = useLiveRefresh(kinds, choice === LIVE);
  const seconds = choice === LIVE ? (live === "unavailable" ? FALLBACK_SECONDS : 0) : choice === OFF ? 0 : choice;

  useEffect(() => {
    if (seconds === 0) return;
    const timer = setInterval(() => {
      if (!document.hidden) router.refresh(); // a background tab need not load the database
    }, seconds * 1000);
    return () => clearInterval(timer);
  }, [seconds, router]);

  return (
    <label className="flex items-center gap-2 text-sm text-slate-600" data-testid="auto-refresh">
      <span>Refresh</span>
      <select
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
        value={choice}
        onChange={(event) => {
          const next = Number(event.target.value);
          setInvalid(!isRefreshChoice(next)); // only a tampered-with option gets here
          if (!isRefreshChoice(next)) return;
          setChoice(next);
          save.mutate({ seconds: next });
        }}
      >
        {refreshChoices.map((c) => (
          <option key={c} value={c}>
            {label(c)}
          </option>
        ))}
      </select>
      {choice === LIVE && live !== "off" ? (
        <span className="text-xs" data-testid="live-state" data-state={live} aria-live="polite">
          {live === "live" ? <span className="text-emerald-700">● live</span> : stateText[live]}
        </span>
      ) : null}
      {invalid || save.isError ? (
        <span className="text-xs text-red-700" role="alert">
          not saved: {invalid ? REFRESH_CHOICE_MESSAGE : savedError(save.error)}
        </span>
      ) : null}
    </label>
  );
}
