"use client";
// The /haproxy page's selection for bulk actions: servers ticked one by one (kept while paging
// and filtering), or "every server matching the filter" across all pages. The bar at the bottom
// acts on it through the one confirmation (bulk-action.tsx).
import { useRouter } from "next/navigation";
import { createContext, useContext, useState } from "react";
import { Button } from "@/components/ui/controls";
import type { ViewFilter } from "@/server/haproxy/view";
import { useBulkAction, type BulkCommand } from "./bulk-action";

type Selection = {
  ids: ReadonlySet<number>;
  allMatching: boolean;
  toggle: (id: number, on: boolean) => void;
};
const SelectionContext = createContext<Selection | null>(null);

/** A row's checkbox; renders nothing outside a selection (viewers, other pages). */
export function SelectServer({ id, label }: { id: number; label: string }) {
  const s = useContext(SelectionContext);
  if (!s) return null;
  return (
    <input
      type="checkbox"
      className="h-4 w-4 accent-sky-700"
      aria-label={`Select ${label}`}
      checked={s.allMatching || s.ids.has(id)}
      disabled={s.allMatching}
      onChange={(e) => s.toggle(id, e.currentTarget.checked)}
    />
  );
}

const commands: { command: BulkCommand; label: string }[] = [
  { command: "drain", label: "Drain" },
  { command: "ready", label: "Ready" },
  { command: "maint", label: "Maint" },
];

export function BulkSelectionProvider({
  filter,
  filtered,
  children,
}: {
  filter: ViewFilter;
  filtered: boolean;
  children: React.ReactNode;
}) {
  const router = useRouter();
  const [ids, setIds] = useState<ReadonlySet<number>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const bulk = useBulkAction(() => router.refresh());
  const toggle = (id: number, on: boolean) =>
    setIds((old) => {
      const next = new Set(old);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const clear = () => (setIds(new Set()), setAllMatching(false));
  const act = (command: BulkCommand) =>
    bulk.ask({
      command,
      selection: allMatching ? { kind: "filter", ...filter } : { kind: "servers", ids: [...ids] },
    });
  const what = allMatching
    ? `Every server matching ${filtered ? "the filter" : "no filter: all servers"}, on every page`
    : `${ids.size} selected`;

  return (
    <SelectionContext.Provider value={{ ids, allMatching, toggle }}>
      {children}
      {bulk.view}
      <div
        className="sticky bottom-0 z-10 mt-4 rounded-lg border border-slate-300 bg-white/95 p-3 shadow-md"
        role="region"
        aria-label="Bulk actions"
        data-testid="bulk-bar"
      >
        <div className="flex flex-wrap items-center gap-2">
          <span className="text-sm text-slate-700" data-testid="bulk-selected">
            {what}
          </span>
          {commands.map((c) => (
            <Button
              key={c.command}
              variant={c.command === "maint" ? "danger" : "secondary"}
              disabled={bulk.busy || (!allMatching && ids.size === 0)}
              onClick={() => act(c.command)}
            >
              {c.label}
              <span className="sr-only"> selected</span>
            </Button>
          ))}
          {allMatching || ids.size ? (
            <Button variant="secondary" onClick={clear}>
              Clear<span className="sr-only"> selection</span>
            </Button>
          ) : (
            <Button variant="secondary" onClick={() => setAllMatching(true)}>
              Select all matching the filter
            </Button>
          )}
        </div>
      </div>
    </SelectionContext.Provider>
  );
}
