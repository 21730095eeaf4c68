// A real Prometheus (Debian's package) for tests: a generated prometheus.yml and its TSDB in a temp
// folder, the web API on a free loopback port. Bounded in time; stop() ends it and deletes the folder.
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "@/tools/db/embedded";

export type ScrapeJob = { name: string; target: string; metricsPath: string; bearerToken: string };
export type PromSample = { metric: Record<string, string>; value: number };
export type PrometheusLab = {
  url: string;
  /** An instant query through /api/v1/query. */
  query(promql: string): Promise<PromSample[]>;
  /** Repeats the query until `done` holds for its result; bounded. */
  queryUntil(promql: string, done: (samples: PromSample[]) => boolean, timeoutMs?: number): Promise<PromSample[]>;
  stop(): Promise<void>;
};

const PROMETHEUS_BIN = "/usr/bin/prometheus";

export async function startPrometheus(jobs: ScrapeJob[], scrapeSeconds = 1): Promise<PrometheusLab> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ac-prometheus-"));
  const config = {
    global: { scrape_interval: `${scrapeSeconds}s`, scrape_timeout: `${scrapeSeconds}s` },
    scrape_configs: jobs.map((job) => ({
      job_name: job.name,
      metrics_path: job.metricsPath,
      authorization: { type: "Bearer", credentials: job.bearerToken },
      static_configs: [{ targets: [job.target] }],
    })),
  };
  // JSON is YAML: no YAML library needed to write it.
  await fs.writeFile(path.join(dir, "prometheus.yml"), JSON.stringify(config, null, 2));
  const port = await freePort();
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await fs.rm(dir, { recursive: true, force: true });
  };

  const until = async <T>(what: string, timeoutMs: number, attempt: () => Promise<T | undefined>): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${stderr.trim()}`);
      const result = await attempt().catch(() => undefined);
      if (result !== undefined) return result;
      if (Date.now() > deadline)
        throw new Error(`prometheus: ${what} within ${timeoutMs} ms; stderr: ${stderr.trim()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  const query = async (promql: string): Promise<PromSample[]> => {
    const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql })}`);
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (body.status !== "success") throw new Error(`query ${promql} failed: ${body.error}`);
    return body.data!.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  };

  try {
    await until("became ready", 60_000, async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    query,
    queryUntil: (promql, done, timeoutMs = 60_000) =>
      until(`answered ${promql} as expected`, timeoutMs, async () => {
        const samples = await query(promql);
        return done(samples) ? samples : undefined;
      }),
    stop,
  };
}
