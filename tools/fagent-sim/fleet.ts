// The simulated agents' state and every change to it. Knows nothing of HTTP except that an
// agent's apps reply is cached as bytes and rebuilt only after that agent changed.
import {
  APP_KINDS,
  appSchemas,
  describeIssues,
  groupKey,
  type AppKind,
  type WireApp,
} from "../../server/agent/contract";
import { appName, bumpVersion, changeStatus, freshName, makeApp } from "./apps";
import { applyFault, noFaults, type FaultCommand, type Faults } from "./faults";
import { makeHaproxy, type SimHaproxy } from "./haproxy";
import { rng, shuffle, type Rng } from "./random";
import type { AgentApps, PlacedAgent } from "./scenario";

export type AgentState = {
  name: string;
  ip: string;
  port: number;
  token: string | null;
  apps: AgentApps;
  faults: Faults;
  /** The serialised apps reply; null after any change. */
  cached: Buffer | null;
  /** HAProxy instances this agent serves under /api/haproxy/{name} (haproxy.ts). */
  haproxy: Map<string, SimHaproxy>;
};

/** A refused control request; the control API answers with `status`. */
export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type ChurnOptions = {
  changeVersionPct?: number;
  changeStatusPct?: number;
  removePct?: number;
  addPct?: number;
  seed?: number;
};
export type ChurnResult = { changed: number; statusChanged: number; removed: number; added: number };

export type TickOptions = { versions?: boolean; blipTicks?: number };
const isRunning = (app: WireApp) => app.status === "running" || app.status === "active";

export class Fleet {
  readonly agents = new Map<string, AgentState>();
  /** Statuses a tick changed for a while (tick's `blipTicks`): what each goes back to, and at which tick. */
  private blips: { agent: AgentState; app: WireApp; status: WireApp["status"]; back: number }[] = [];
  private ticks = 0;
  /** Agents by address: the clash check of `add` looks at one address, not the whole fleet (20,000 agents). */
  private readonly byAddress = new Map<string, Set<AgentState>>();

  add(spec: PlacedAgent): AgentState {
    if (this.agents.has(spec.name)) throw new SimError(409, `agent ${spec.name} already exists`);
    const neighbours = this.byAddress.get(spec.address) ?? new Set<AgentState>();
    const clash = spec.port !== 0 && [...neighbours].find((a) => a.port === spec.port);
    if (clash) throw new SimError(409, `${spec.address}:${spec.port} is already agent ${clash.name}`);
    const apps = { docker: [...spec.apps.docker], site: [...spec.apps.site], service: [...spec.apps.service] };
    const haproxy = new Map(spec.haproxy.map((h) => makeHaproxy(h)).map((h) => [h.name, h]));
    const agent = {
      name: spec.name,
      ip: spec.address,
      port: spec.port,
      token: spec.token ?? null,
      apps,
      faults: noFaults(),
      cached: null,
      haproxy,
    };
    this.agents.set(agent.name, agent);
    this.byAddress.set(agent.ip, neighbours.add(agent));
    return agent;
  }

  get(name: string): AgentState {
    const agent = this.agents.get(name);
    if (!agent) throw new SimError(404, `no agent named ${name}`);
    return agent;
  }

  remove(name: string): void {
    const agent = this.get(name);
    this.agents.delete(name);
    this.byAddress.get(agent.ip)?.delete(agent);
  }

  fault(name: string, cmd: FaultCommand): AgentState {
    const agent = this.get(name);
    agent.faults = applyFault(agent.faults, cmd);
    return agent;
  }

  /** The agent's reply in the contract's shape, serialised once per change. */
  appsReply(agent: AgentState): Buffer {
    agent.cached ??= Buffer.from(JSON.stringify(appsObject(agent)));
    return agent.cached;
  }

  addApp(name: string, kind: AppKind, app: WireApp): void {
    const agent = this.get(name);
    checkApp(kind, app);
    if (findApp(agent, kind, appName(kind, app)) >= 0)
      throw new SimError(409, `${name} already has ${kind} app ${appName(kind, app)}`);
    (agent.apps[kind] as WireApp[]).push(app);
    agent.cached = null;
  }

  /** Merges `patch` (snake_case fields; null clears) into one app. */
  setApp(name: string, kind: AppKind, app: string, patch: Record<string, unknown>): WireApp {
    const agent = this.get(name);
    const list = agent.apps[kind] as WireApp[];
    const index = this.indexOf(agent, kind, app);
    const next = { ...list[index], ...patch } as WireApp;
    checkApp(kind, next);
    list[index] = next;
    agent.cached = null;
    return next;
  }

  removeApp(name: string, kind: AppKind, app: string): void {
    const agent = this.get(name);
    agent.apps[kind].splice(this.indexOf(agent, kind, app), 1);
    agent.cached = null;
  }

  /** Fleet-wide change in one step, as between two polls of a busy estate. */
  churn(o: ChurnOptions): ChurnResult {
    const r = rng(o.seed ?? Date.now());
    const all = shuffle([...this.allApps()], r);
    const total = all.length;
    const take = (pct = 0) => all.splice(0, Math.round((total * pct) / 100)); // disjoint: changed or removed, not both
    const [changed, statusChanged, removed] = [take(o.changeVersionPct), take(o.changeStatusPct), take(o.removePct)];
    for (const { agent, kind, app } of changed) this.touch(agent, () => bumpVersion(kind, app));
    for (const { agent, kind, app } of statusChanged) this.touch(agent, () => changeStatus(kind, app, r));
    for (const { agent, kind, app } of removed) {
      this.touch(agent, () => agent.apps[kind].splice((agent.apps[kind] as WireApp[]).indexOf(app), 1));
    }
    const agents = [...this.agents.values()];
    const added = agents.length ? Math.round((total * (o.addPct ?? 0)) / 100) : 0;
    for (let i = 0; i < added; i++) this.addRandomApp(r.pick(agents), r);
    return { changed: changed.length, statusChanged: statusChanged.length, removed: removed.length, added };
  }

  /**
   * A few apps change status (and, with `versions`, version): what keeps a demo fleet alive.
   * With `blipTicks`, a changed status comes back that many ticks later, as after a restart: the
   * fleet stays as healthy as it started instead of drifting to random statuses (the `npm start` demo).
   */
  tick(r: Rng, apps: number, { versions = true, blipTicks }: TickOptions = {}): void {
    this.ticks++;
    const due = this.blips.filter((b) => b.back <= this.ticks);
    this.blips = this.blips.filter((b) => b.back > this.ticks);
    for (const blip of due) this.touch(blip.agent, () => (blip.app.status = blip.status));
    const all = [...this.allApps()];
    for (let i = 0; i < Math.min(apps, all.length); i++) {
      const { agent, kind, app } = r.pick(all);
      // A blip is a running app's restart; a broken one stays broken until someone mends it.
      if (blipTicks && (!isRunning(app) || this.blips.some((b) => b.app === app))) continue;
      const bump = versions && r.chance(0.5);
      if (!bump && blipTicks) this.blips.push({ agent, app, status: app.status, back: this.ticks + blipTicks });
      this.touch(agent, () => (bump ? bumpVersion(kind, app) : changeStatus(kind, app, r)));
    }
  }

  private addRandomApp(agent: AgentState, r: Rng): void {
    const kind = r.chance(0.6) ? "docker" : r.pick(APP_KINDS.slice(1));
    const taken = new Set(agent.apps[kind].map((a) => appName(kind, a)));
    (agent.apps[kind] as WireApp[]).push(makeApp(kind, r, { ...freshName(r, taken), agentIp: agent.ip }));
    agent.cached = null;
  }

  private *allApps() {
    for (const agent of this.agents.values())
      for (const kind of APP_KINDS) for (const app of agent.apps[kind] as WireApp[]) yield { agent, kind, app };
  }

  private touch(agent: AgentState, change: () => unknown): void {
    change();
    agent.cached = null;
  }

  private indexOf(agent: AgentState, kind: AppKind, app: string): number {
    const index = findApp(agent, kind, app);
    if (index < 0) throw new SimError(404, `${agent.name} has no ${kind} app ${app}`);
    return index;
  }
}

export function appsObject(agent: AgentState): { server: Record<string, { applications: WireApp[] }> } {
  const server: Record<string, { applications: WireApp[] }> = {};
  for (const kind of APP_KINDS) server[groupKey(kind)] = { applications: agent.apps[kind] };
  return { server };
}

const findApp = (agent: AgentState, kind: AppKind, app: string) =>
  (agent.apps[kind] as WireApp[]).findIndex((a) => appName(kind, a) === app);

function checkApp(kind: AppKind, app: unknown): void {
  const parsed = appSchemas[kind].safeParse(app);
  if (!parsed.success) throw new SimError(400, `not a valid ${kind} app: ${describeIssues(parsed.error.issues)}`);
}
