// Run as a separate process by update-task-lifecycle.test.ts to play an AC that dies during a
// task: it starts the update given as JSON in argv[2], prints the task id, and waits to be killed.
import { startUpdateTask } from "@/server/tasks/start";
import { updateRequestInput } from "@/server/tasks/plan";

const { id } = await startUpdateTask(updateRequestInput.parse(JSON.parse(process.argv[2]!)), "child");
console.log(JSON.stringify({ id }));
setInterval(() => undefined, 60_000);
