"use client";
// The range of a chart: 1 h / 24 h / 7 d / 30 d, or a custom one from two UTC date-time inputs,
// checked here (in order, at most MAX_RANGE_DAYS) before it is asked for; the server checks again.
import { useState } from "react";
import { Button, Input } from "@/components/ui/controls";
import { CHART_RANGES, MAX_RANGE_DAYS, type ChartRange } from "@/lib/history";

export type RangeValue = { range: ChartRange } | { range: "custom"; from: Date; to: Date };

/** A datetime-local value read as UTC (the panel shows UTC times). */
const fromInput = (value: string) => (value ? new Date(`${value}:00Z`) : null);
const toInput = (date: Date) => date.toISOString().slice(0, 16);

export function customRangeError(from: Date | null, to: Date | null): string | null {
  if (!from || !to || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return "Enter both times.";
  if (from >= to) return "The start must be before the end.";
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000)
    return `A range may span at most ${MAX_RANGE_DAYS} days.`;
  return null;
}

export function RangePicker({ value, onChange }: { value: RangeValue; onChange: (v: RangeValue) => void }) {
  const [custom, setCustom] = useState(value.range === "custom");
  const now = new Date();
  const [from, setFrom] = useState(toInput(new Date(now.getTime() - 86_400_000)));
  const [to, setTo] = useState(toInput(now));
  const [error, setError] = useState<string | null>(null);
  const apply = () => {
    const [f, t] = [fromInput(from), fromInput(to)];
    const problem = customRangeError(f, t);
    setError(problem);
    if (!problem) onChange({ range: "custom", from: f!, to: t! });
  };
  const pressed = (range: string) => (custom ? range === "custom" : value.range === range);
  return (
    <div className="flex flex-col gap-2">
      <div role="group" aria-label="Time range" className="flex flex-wrap gap-1">
        {(Object.keys(CHART_RANGES) as ChartRange[]).map((range) => (
          <Button
            key={range}
            type="button"
            variant={pressed(range) ? "primary" : "secondary"}
            aria-pressed={pressed(range)}
            className="px-2 py-1 text-xs"
            onClick={() => {
              setCustom(false);
              onChange({ range });
            }}
          >
            {range}
          </Button>
        ))}
        <Button
          type="button"
          variant={pressed("custom") ? "primary" : "secondary"}
          aria-pressed={pressed("custom")}
          className="px-2 py-1 text-xs"
          onClick={() => setCustom(true)}
        >
          custom
        </Button>
      </div>
      {custom ? (
        <form
          className="flex flex-wrap items-end gap-2 text-xs"
          onSubmit={(event) => {
            event.preventDefault();
            apply();
          }}
        >
          <label className="flex flex-col">
            <span className="text-slate-600">From (UTC)</span>
            <Input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required />
          </label>
          <label className="flex flex-col">
            <span className="text-slate-600">To (UTC)</span>
            <Input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} required />
          </label>
          <Button type="submit" variant="secondary" className="px-2 py-1 text-xs">
            Show
          </Button>
          {error ? (
            <p role="alert" className="w-full text-red-700">
              {error}
            </p>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}
