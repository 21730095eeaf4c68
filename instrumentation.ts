// Runs once when a Next.js server process starts. Only the Node.js runtime starts the
// scheduler (never the edge runtime); the module is imported lazily so edge bundles stay clean.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServerProcess } = await import("./server/startup");
  await startServerProcess();
}
