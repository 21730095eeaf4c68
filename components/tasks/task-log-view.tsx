"use client";
// The task's log (AC's lines and the playbook's output). Follows the end while the reader is
// at the bottom; scrolling up stops following until they come back down.
import { useEffect, useRef } from "react";

export function TaskLogView({ text, live }: { text: string; live: boolean }) {
  const box = useRef<HTMLPreElement>(null);
  const follow = useRef(true);
  useEffect(() => {
    if (follow.current && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [text]);
  return (
    <pre
      ref={box}
      tabIndex={0}
      aria-label="Task log"
      aria-live={live ? "polite" : "off"}
      aria-busy={live}
      data-testid="task-log"
      onScroll={(e) => {
        const el = e.currentTarget;
        follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
      className="max-h-[32rem] min-h-40 overflow-auto whitespace-pre-wrap break-words rounded-lg bg-slate-950 p-3 font-mono text-xs leading-relaxed text-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
    >
      {text || (live ? "Waiting for output…" : "No output.")}
    </pre>
  );
}
