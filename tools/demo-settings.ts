// `npm start`'s own settings, read by tools/start.ts only (the app's settings are server/config.ts):
// where the demo's simulated fleet listens, so that two demos can run on one machine (README.md).
import { z } from "zod";
import "../lib/zod-messages";

const schema = z.object({
  /**
   * The first of the demo's three ports: the simulated Eureka on it, the simulator's control API
   * on the next, the agents (each on its own 127.0.0.x address) on the one after.
   */
  AC_DEMO_PORT_BASE: z
    .string()
    .trim()
    .default("")
    .transform((value) => (value === "" ? "19098" : value))
    .pipe(
      z
        .string()
        .regex(/^\d{1,5}$/, { error: "must be a port number, e.g. 19098" })
        .transform(Number)
        .pipe(
          z
            .number()
            .int()
            .min(1024, { error: "must be at least 1024" })
            .max(65533, { error: "must be at most 65533 (it uses this port and the next two)" }),
        ),
    ),
});

export type DemoPorts = { eureka: number; control: number; agents: number };

/** A bad demo setting: its message says everything (tools/start.ts prints it without a stack). */
export class DemoSettingsError extends Error {}

/** The demo's ports from the environment; a bad value throws a message naming the variable. */
export function demoPorts(env: Record<string, string | undefined> = process.env): DemoPorts {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map(
      (i) => `  ${String(i.path[0])}=${JSON.stringify(env[String(i.path[0])])}: ${i.message}`,
    );
    throw new DemoSettingsError(`Invalid demo setting:\n${lines.join("\n")}\nSee .env.example ("Demo fleet").`);
  }
  const base = result.data.AC_DEMO_PORT_BASE;
  return { eureka: base, control: base + 1, agents: base + 2 };
}
