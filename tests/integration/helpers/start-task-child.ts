// Run as a separate process by the task tests to play another AC replica running tasks: it starts
// its task runner (heartbeat and dispatch, as server/startup.ts does), prints its runner id, then,
// when argv[2] holds an update request as JSON, starts that update and prints the task id. It runs
// until killed.
import { startUpdateTask } from "@/server/tasks/start";
import { updateRequestInput } from "@/server/tasks/plan";
import { thisRunner } from "@/server/tasks/runner-identity";
import { startTaskRunner } from "@/server/tasks/worker";

startTaskRunner();
console.log(JSON.stringify({ runnerId: thisRunner.id }));
if (process.argv[2]) {
  const { id } = await startUpdateTask(updateRequestInput.parse(JSON.parse(process.argv[2])), "child");
  console.log(JSON.stringify({ id }));
}
setInterval(() => undefined, 60_000);
