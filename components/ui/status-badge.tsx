// One colour per status, everywhere in AC.
const tone: Record<string, string> = {
  online: "bg-emerald-100 text-emerald-800 ring-emerald-600/20",
  UP: "bg-emerald-100 text-emerald-800 ring-emerald-600/20",
  succeeded: "bg-emerald-100 text-emerald-800 ring-emerald-600/20",
  success: "bg-emerald-100 text-emerald-800 ring-emerald-600/20",
  offline: "bg-red-100 text-red-800 ring-red-600/20",
  DOWN: "bg-red-100 text-red-800 ring-red-600/20",
  failed: "bg-red-100 text-red-800 ring-red-600/20",
  starting: "bg-sky-100 text-sky-800 ring-sky-600/20",
  running: "bg-sky-100 text-sky-800 ring-sky-600/20",
  stopping: "bg-amber-100 text-amber-800 ring-amber-600/20",
  DRAIN: "bg-amber-100 text-amber-800 ring-amber-600/20",
  NOLB: "bg-amber-100 text-amber-800 ring-amber-600/20",
  MAINT: "bg-violet-100 text-violet-800 ring-violet-600/20",
  no_data: "bg-slate-200 text-slate-700 ring-slate-500/20",
  unknown: "bg-slate-100 text-slate-600 ring-slate-500/20",
  // tasks and their steps
  pending: "bg-slate-100 text-slate-600 ring-slate-500/20",
  skipped: "bg-slate-50 text-slate-500 ring-slate-400/20",
  cancelled: "bg-amber-100 text-amber-800 ring-amber-600/20",
  interrupted: "bg-violet-100 text-violet-800 ring-violet-600/20",
  paused: "bg-amber-100 text-amber-800 ring-amber-600/20",
  // HAProxy actions a caller's role did not allow
  refused: "bg-amber-100 text-amber-800 ring-amber-600/20",
  // alerts, their severities and notification deliveries (docs/alerts.md)
  firing: "bg-red-100 text-red-800 ring-red-600/20",
  resolved: "bg-emerald-100 text-emerald-800 ring-emerald-600/20",
  silenced: "bg-violet-100 text-violet-800 ring-violet-600/20",
  critical: "bg-red-100 text-red-800 ring-red-600/20",
  warning: "bg-amber-100 text-amber-800 ring-amber-600/20",
  info: "bg-sky-100 text-sky-800 ring-sky-600/20",
  queued: "bg-amber-100 text-amber-800 ring-amber-600/20",
  delivered: "bg-emerald-100 text-emerald-800 ring-emerald-600/20",
  expired: "bg-red-100 text-red-800 ring-red-600/20",
};

export function StatusBadge({ status }: { status: string | null | undefined }) {
  const label = status ?? "unknown";
  return (
    <span
      className={`inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tone[label] ?? tone.unknown}`}
    >
      {label.replace("_", " ")}
    </span>
  );
}
