// The benchmark's tables, in Markdown so they paste into docs/performance.md as printed.
import type { PhaseName, PhaseResult, WorkerResult } from "./poll-worker";

const LABEL: Record<Exclude<PhaseName, "warm-up">, string> = {
  physical: "physical floor: plain fetch + JSON.parse",
  floor: "AC's floor: its client + parser, no database",
  first: "first cycle (everything new)",
  steady: "steady cycle (nothing changed)",
  churn: "churn cycle (10% version, 5% gone, 5% new)",
  steady2: "steady cycle after churn",
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const thousands = (n: number) => Math.round(n).toLocaleString("en-US");

type Row = {
  wallMs: number;
  statements: number;
  transactions: number;
  rowsWritten: number;
  rowsAffected: number;
  peakRssMb: number;
  pollerMs: number;
  postgresMs: number;
  simulatorMs: number;
  otherMs: number;
  failures: number;
};

function row(p: PhaseResult): Row {
  return {
    wallMs: p.wallMs,
    statements: p.sql.statements,
    transactions: p.sql.byVerb.BEGIN ?? 0,
    rowsWritten: p.rowsWritten,
    rowsAffected: p.sql.rowsAffected,
    peakRssMb: p.peakRssMb,
    ...p.cpu,
    failures: p.failures,
  };
}

const cpuSeconds = (ms: number) => (ms / 1000).toFixed(1);
const ratio = (value: number, floor: number | undefined) => (floor ? (value / floor).toFixed(2) : "–");

function table(rows: Map<PhaseName, Row>): string[] {
  // Every ratio against the physical floor of the same run (issue 18): the limit, not AC's own floor.
  // On a shared machine the wall time moves with others' work; the CPU the phase's own processes
  // used (poller, PostgreSQL, simulator) barely does, so it gets a ratio of its own.
  const physical = rows.get("physical");
  const ownCpu = (r: Row) => r.pollerMs + r.postgresMs + r.simulatorMs;
  const lines = [
    "| phase | wall time | × physical floor | × physical floor, CPU | SQL statements | transactions | rows written | peak RSS | CPU s: poller / PostgreSQL / simulator / other |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const [phase, r] of rows) {
    if (phase === "warm-up") continue;
    const failed = r.failures ? ` **(${r.failures} servers failed)**` : "";
    const cpu = [r.pollerMs, r.postgresMs, r.simulatorMs, r.otherMs].map(cpuSeconds).join(" / ");
    lines.push(
      `| ${LABEL[phase]}${failed} | ${seconds(r.wallMs)} | ${ratio(r.wallMs, physical?.wallMs)} | ` +
        `${ratio(ownCpu(r), physical && ownCpu(physical))} | ${thousands(r.statements)} | ` +
        `${thousands(r.transactions)} | ${thousands(r.rowsWritten)} | ${Math.round(r.peakRssMb)} MB | ${cpu} |`,
    );
  }
  return lines;
}

const rowsOf = (result: WorkerResult) => new Map(result.phases.map((p) => [p.phase, row(p)]));

export function printRuns(results: WorkerResult[]): void {
  const first = results[0]!;
  const at =
    first.physicalConcurrency < first.servers ? `${thousands(first.physicalConcurrency)} at once` : "all at once";
  const fleet = `${thousands(first.servers)} servers × ${first.apps} apps (${thousands(first.instances)} instances), concurrency ${first.concurrency} (physical floor: ${at})`;
  results.forEach((result, i) => {
    console.log(`\n### Run ${i + 1}: ${fleet}\n`);
    console.log(table(rowsOf(result)).join("\n"));
    for (const p of result.phases.filter((p) => p.failures)) {
      const reasons = Object.entries(p.failureReasons)
        .map(([reason, n]) => `${n} × ${reason}`)
        .join("; ");
      console.log(
        `\n${p.phase}: ${p.failures} servers failed (${reasons}); the next cycle redoes them, so its figures grow too.`,
      );
    }
    const mismatch = result.phases.filter((p) => p.rowsWritten !== p.sql.rowsAffected);
    for (const p of mismatch)
      console.log(
        `\n(${p.phase}: pg_stat counted ${p.rowsWritten} rows, the statements reported ${p.sql.rowsAffected})`,
      );
    const { changed, removed, added } = result.churn;
    console.log(
      `\nChurn applied: ${changed} versions changed, ${removed} apps removed, ${added} added. Highest RSS of the run: ${result.maxRssMb} MB.`,
    );
  });
  if (results.length < 2) return;
  const medians = new Map<PhaseName, Row>();
  for (const phase of first.phases.map((p) => p.phase)) {
    const all = results.map((r) => row(r.phases.find((p) => p.phase === phase)!));
    const pick = (key: keyof Row) => median(all.map((r) => r[key]));
    const keys = Object.keys(all[0]!) as (keyof Row)[];
    medians.set(phase, { ...Object.fromEntries(keys.map((key) => [key, pick(key)])), failures: 0 } as Row);
  }
  console.log(`\n### Median of ${results.length} runs: ${fleet}\n`);
  console.log(table(medians).join("\n"));
  const failedRuns = results.flatMap((r, i) =>
    r.phases.filter((p) => p.failures).map((p) => `run ${i + 1} ${p.phase}: ${p.failures}`),
  );
  if (failedRuns.length) console.log(`\nServers failed in: ${failedRuns.join(", ")} (see the runs above).`);
  const spread = (phase: PhaseName) =>
    results.map((r) => seconds(r.phases.find((p) => p.phase === phase)!.wallMs)).join(", ");
  console.log(
    `\nWall times per run: ${(["physical", "floor", "first", "steady", "churn", "steady2"] as const).map((p) => `${p} ${spread(p)}`).join("; ")}.`,
  );
}

/** Same servers, different apps per server: a steady cycle's statements must not follow the apps. */
export function printComparison(results: WorkerResult[]): void {
  console.log("\n### Statements per cycle against apps per server\n");
  console.log("| fleet | first cycle | steady cycle | steady statements by kind | churn cycle |");
  console.log("|---|---:|---:|---|---:|");
  const steadyCounts: number[] = [];
  let retried = false;
  for (const r of results) {
    retried ||= r.phases.some((p) => p.phase === "first" && p.failures > 0);
    const get = (phase: PhaseName) => r.phases.find((p) => p.phase === phase)!.sql;
    const steady = get("steady");
    steadyCounts.push(steady.statements);
    const kinds = Object.entries(steady.byVerb)
      .map(([verb, n]) => `${verb} ${n}`)
      .join(", ");
    console.log(
      `| ${r.servers} × ${r.apps} | ${thousands(get("first").statements)} | ${steady.statements} | ${kinds} | ${thousands(get("churn").statements)} |`,
    );
  }
  const same = steadyCounts.every((n) => n === steadyCounts[0]);
  const verdict = same ? "are the same whatever the apps per server" : "DIFFER with the apps per server";
  // A server the first cycle failed to store is applied in full by the steady one.
  console.log(
    `\nSteady-cycle statements ${verdict}${retried ? " (inconclusive: a first cycle failed servers, which the steady cycle then stored)" : ""}.`,
  );
}
