"use client";
// "3 min ago", with the exact time on hover and for screen readers.
import { useSyncExternalStore } from "react";

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

// A clock that ticks every 10 s; the server renders the exact time (no clock there).
const TICK = 10_000;
const subscribe = (onTick: () => void) => {
  const timer = setInterval(onTick, TICK);
  return () => clearInterval(timer);
};
const clientNow = () => Math.floor(Date.now() / TICK) * TICK;
const serverNow = () => null;

export function RelativeTime({ date }: { date: Date | string | null | undefined }) {
  const now = useSyncExternalStore(subscribe, clientNow, serverNow);
  if (!date) return <span className="text-slate-400">never</span>;
  const value = typeof date === "string" ? new Date(date) : date;
  const exact = value.toISOString().replace("T", " ").slice(0, 19) + " UTC";
  return (
    <time dateTime={value.toISOString()} title={exact}>
      {now === null ? exact : relative(value, now)}
    </time>
  );
}
