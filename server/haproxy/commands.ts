// STUB written by the update-tasks work (issue 6) so it compiles before issue 5 lands.
// The HAProxy work replaces this file with the real module; only these signatures are relied on.
export type ServerCommand = "drain" | "ready" | "maint";

export async function runServerCommand(input: {
  haproxyServerId: number;
  command: ServerCommand;
  actor: string;
  taskId?: string | null;
}): Promise<{ ok: boolean; status: string | null; error: string | null }> {
  return { ok: false, status: null, error: `HAProxy commands are not available yet (server ${input.haproxyServerId})` };
}

export async function serversMappedToInstances(
  instanceIds: number[],
): Promise<{ haproxyServerId: number; instanceId: number; label: string; status: string | null }[]> {
  void instanceIds;
  return [];
}
