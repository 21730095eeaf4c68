import Link from "next/link";

type Tab = "users" | "tokens" | "status-map";

export function AdminTabs({ current }: { current: Tab }) {
  const tab = (id: Tab, label: string) => (
    <Link
      href={`/admin/${id}`}
      aria-current={current === id ? "page" : undefined}
      className={`border-b-2 px-3 py-2 text-sm font-medium ${current === id ? "border-sky-700 text-sky-800" : "border-transparent text-slate-600 hover:text-slate-900"}`}
    >
      {label}
    </Link>
  );
  return (
    <div className="mb-4 flex flex-wrap gap-x-2 border-b border-slate-200">
      {tab("users", "Users")}
      {tab("tokens", "API tokens")}
      {tab("status-map", "Status map")}
    </div>
  );
}
