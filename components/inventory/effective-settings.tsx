// Effective update settings and where each value comes from (instance → group → catalog →
// default), as resolved by server/inventory/settings.ts.
import type { EffectiveSettings as Settings, SettingSource } from "@/server/inventory/settings";

const sourceLabel: Record<SettingSource, string> = {
  instance: "this instance",
  group: "group",
  catalog: "catalog",
  default: "global default",
  none: "not set",
};

const sourceTone: Record<SettingSource, string> = {
  instance: "bg-violet-100 text-violet-800",
  group: "bg-sky-100 text-sky-800",
  catalog: "bg-amber-100 text-amber-800",
  default: "bg-slate-100 text-slate-700",
  none: "bg-slate-100 text-slate-500",
};

const rows: { key: keyof Settings; label: string; testId: string }[] = [
  { key: "playbookPath", label: "Update playbook", testId: "effective-playbook-path" },
  { key: "artifactUrl", label: "Artifact list URL", testId: "effective-artifact-url" },
  { key: "artifactExtension", label: "Artifact extension", testId: "effective-artifact-extension" },
];

export function SourceBadge({ source }: { source: SettingSource }) {
  return (
    <span className={`whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ${sourceTone[source]}`}>
      {source === "none" ? sourceLabel.none : `from ${sourceLabel[source]}`}
    </span>
  );
}

/** Label beside value where the card is wide enough (a container query: the group page's side card is narrow on any screen). */
export function EffectiveSettings({ settings }: { settings: Settings }) {
  return (
    <dl className="@container divide-y divide-slate-100 text-sm">
      {rows.map(({ key, label, testId }) => (
        <div key={key} className="grid gap-1 py-2 @md:grid-cols-[11rem_1fr]">
          <dt className="font-medium text-slate-600">{label}</dt>
          <dd className="flex flex-wrap items-center gap-2">
            <span className="break-all font-mono text-slate-900" data-testid={testId}>
              {settings[key].value ?? "—"}
            </span>
            <SourceBadge source={settings[key].source} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
