// Request counts per agent and route. The poller's tests read `maxInFlight.apps` to prove no
// agent was asked twice at once, so in-flight counts cover the whole request, slow delay included.
export type AgentStats = {
  requests: Record<string, number>;
  unauthorized: number;
  inFlight: Record<string, number>;
  maxInFlight: Record<string, number>;
  /** "<route> <detail>" → requests, for routes that name one (HAProxy: per instance and backend). */
  detail: Record<string, number>;
};
export type SimStats = { totals: Record<string, number>; agents: Record<string, AgentStats> };

export class Stats {
  private readonly agents = new Map<string, AgentStats>();

  /** Counts a request on `route`; call the returned function when its response has closed. */
  begin(agent: string, route: string, detail?: string): () => void {
    const s = this.of(agent);
    s.requests[route] = (s.requests[route] ?? 0) + 1;
    if (detail !== undefined) s.detail[`${route} ${detail}`] = (s.detail[`${route} ${detail}`] ?? 0) + 1;
    const now = (s.inFlight[route] ?? 0) + 1;
    s.inFlight[route] = now;
    s.maxInFlight[route] = Math.max(s.maxInFlight[route] ?? 0, now);
    return () => {
      s.inFlight[route] = (s.inFlight[route] ?? 1) - 1;
    };
  }

  unauthorized(agent: string): void {
    this.of(agent).unauthorized++;
  }

  snapshot(): SimStats {
    const totals: Record<string, number> = { unauthorized: 0 };
    const agents: Record<string, AgentStats> = {};
    for (const [name, s] of this.agents) {
      agents[name] = structuredClone(s);
      totals.unauthorized = (totals.unauthorized ?? 0) + s.unauthorized;
      for (const [route, n] of Object.entries(s.requests)) totals[route] = (totals[route] ?? 0) + n;
    }
    return { totals, agents };
  }

  /** Zeroes counts; requests still in flight stay counted so their end does not go negative. */
  reset(): void {
    for (const s of this.agents.values()) {
      s.requests = {};
      s.detail = {};
      s.unauthorized = 0;
      s.maxInFlight = { ...s.inFlight };
    }
  }

  private of(agent: string): AgentStats {
    let s = this.agents.get(agent);
    if (!s) this.agents.set(agent, (s = { requests: {}, unauthorized: 0, inFlight: {}, maxInFlight: {}, detail: {} }));
    return s;
  }
}
