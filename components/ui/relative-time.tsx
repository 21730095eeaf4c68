"use client";
// "3 min ago", with the exact time on hover and for screen readers.
import { createContext, useContext, useSyncExternalStore, type ReactNode } from "react";

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
  ["second", 1],
];
const format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

export function relative(date: Date, now: number): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  // The clock ticks every 10 s, so a fresh time can read as slightly in the future.
  if (Math.abs(seconds) < 15) return "just now";
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size || unit === "second") return format.format(Math.trunc(seconds / size), unit);
  }
  return "";
}

// A clock that ticks every 10 s in the browser.
const TICK = 10_000;
const subscribe = (onTick: () => void) => {
  const timer = setInterval(onTick, TICK);
  return () => clearInterval(timer);
};
const tick = (ms: number) => Math.floor(ms / TICK) * TICK;
const clientNow = () => tick(Date.now());

/**
 * The server's render time, given by the panel layout: the server renders "3 min ago" from it and
 * the browser hydrates with the same value, so the text matches and tables keep their width
 * instead of showing full timestamps until the JavaScript has run. Without it: the exact time.
 */
const RenderedAt = createContext<number | null>(null);

export function RenderClock({ now, children }: { now: number; children?: ReactNode }) {
  return <RenderedAt.Provider value={tick(now)}>{children}</RenderedAt.Provider>;
}

export function RelativeTime({ date }: { date: Date | string | null | undefined }) {
  const renderedAt = useContext(RenderedAt);
  const now = useSyncExternalStore(subscribe, clientNow, () => renderedAt);
  if (!date) return <span className="text-slate-400">never</span>;
  const value = typeof date === "string" ? new Date(date) : date;
  const exact = value.toISOString().replace("T", " ").slice(0, 19) + " UTC";
  return (
    <time dateTime={value.toISOString()} title={exact}>
      {now === null ? exact : relative(value, now)}
    </time>
  );
}
