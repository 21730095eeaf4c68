// The chart's points as a table, behind a toggle: the way to read the values without a mouse.
import type { ChartData } from "@/lib/history";
import { DataTable, tdClass, Th, theadClass } from "@/components/ui/data-table";
import { formatTime, formatValue, type ValueFormat } from "./format";

export function ChartTable({ data, format, caption }: { data: ChartData; format: ValueFormat; caption: string }) {
  const rows = data.timestamps.map((t, i) => ({ t, i })).reverse(); // newest first
  return (
    <div className="max-h-72 overflow-y-auto" tabIndex={0} role="region" aria-label={`${caption}: data`}>
      <DataTable label={`${caption}, newest first, times in UTC`}>
        <thead className={theadClass}>
          <tr>
            <Th>time (UTC)</Th>
            {data.series.map((s) => (
              <Th key={s.label}>{s.label || "value"}</Th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ t, i }) => (
            <tr key={t}>
              <td className={tdClass}>{formatTime(t)}</td>
              {data.series.map((s) => (
                <td key={s.label} className={tdClass}>
                  {formatValue(s, s.values[i], format)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </DataTable>
    </div>
  );
}
