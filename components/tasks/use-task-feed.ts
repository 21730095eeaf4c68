"use client";
// The task page's live data (docs/architecture.md, "Change feed"): the log and the task's state
// streamed by tasks.follow (server-sent events; each event's id is the log offset after it, so a
// reconnect resumes exactly where the page is). Where the stream cannot be had (no EventSource,
// or it failed for good) the page reads the log from its offset every second instead.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC, useTRPCClient } from "@/components/trpc";
import { taskRunning } from "@/lib/tasks";
import type { getTask } from "@/server/tasks/queries";
import { delayAfterError, delayAfterRead } from "./task-log-polling";

export type Task = Awaited<ReturnType<typeof getTask>>;

type Slice = { text: string; reset: boolean; offset: number; task: Task | null };

export function useTaskFeed(initial: Task) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [task, setTask] = useState(initial);
  const [log, setLog] = useState("");
  const [readError, setReadError] = useState<string | null>(null);
  const [gaveUp, setGaveUp] = useState(false); // the fallback reader stopped for good (delayAfterError)
  const [streamFailed, setStreamFailed] = useState(false);
  const offset = useRef(0); // where the next read starts, for the stream and the fallback alike
  const supported = typeof window === "undefined" || "EventSource" in window;
  const polling = !supported || streamFailed;

  useEffect(() => {
    const take = (r: Slice) => {
      setReadError(null);
      if (r.task) setTask(r.task);
      if (r.reset) setLog("");
      if (r.text) setLog((text) => text + r.text);
      offset.current = r.offset;
    };
    if (!polling) {
      const subscription = client.tasks.follow.subscribe(
        // From what the page already has (0 at first); the link itself resumes after a dropped connection.
        { id: initial.id, lastEventId: offset.current > 0 ? String(offset.current) : null },
        {
          onData: ({ data }) => take(data),
          onError: (error) => (setReadError(error.message), setStreamFailed(true)),
        },
      );
      return () => subscription.unsubscribe();
    }
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const r = await queryClient.fetchQuery({
          ...trpc.tasks.log.queryOptions({ id: initial.id, offset: offset.current }),
          staleTime: 0,
          gcTime: 0,
          retry: false, // this reader retries by its own rule (delayAfterError), not also by the query client's
        });
        if (stopped) return;
        take({ ...r, offset: r.nextOffset });
        const delay = delayAfterRead(r);
        if (delay !== null) timer = setTimeout(tick, delay);
      } catch (error) {
        if (stopped) return;
        setReadError(formErrors(error)?.message ?? String(error));
        const delay = delayAfterError(error);
        if (delay !== null) timer = setTimeout(tick, delay);
        else setGaveUp(true);
      }
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [polling, initial.id, client, queryClient, trpc]);

  return { task, setTask, log, readError, setReadError, retrying: !gaveUp && taskRunning(task.status) };
}
