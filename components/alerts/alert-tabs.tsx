import Link from "next/link";

type Tab = "alerts" | "rules" | "channels";

/** Alerts, Rules and Channels: the three alert pages (docs/alerts.md). */
export function AlertTabs({ current }: { current: Tab }) {
  const tab = (id: Tab, href: string, label: string) => (
    <Link
      href={href}
      aria-current={current === id ? "page" : undefined}
      className={`border-b-2 px-3 py-2 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 ${current === id ? "border-sky-700 text-sky-800" : "border-transparent text-slate-600 hover:text-slate-900"}`}
    >
      {label}
    </Link>
  );
  return (
    <div className="mb-4 flex gap-2 overflow-x-auto border-b border-slate-200">
      {tab("alerts", "/alerts", "Alerts")}
      {tab("rules", "/alerts/rules", "Rules")}
      {tab("channels", "/alerts/channels", "Channels")}
    </div>
  );
}
