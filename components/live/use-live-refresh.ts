"use client";
// A page that follows the change feed (docs/architecture.md, "Change feed"): one subscription
// (one EventSource, one connection) for all the kinds the page shows; on a change it re-renders
// the page's server components (router.refresh keeps the URL, scroll and client state) and marks
// its client islands' queries stale. A hidden tab does not reload; it catches up once when shown.
import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useTRPCClient } from "@/components/trpc";
import type { LiveKind } from "@/lib/live-kinds";
import { isConnected, liveReaction } from "./live-reaction";

export type LiveState = "off" | "connecting" | "live" | "unavailable";

export function useLiveRefresh(kinds: LiveKind[], enabled: boolean): LiveState {
  const client = useTRPCClient();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [state, setState] = useState<Exclude<LiveState, "off">>("connecting");
  const supported = typeof window === "undefined" || "EventSource" in window;
  const kindList = kinds.join(","); // a new array of the same kinds is the same subscription

  useEffect(() => {
    if (!enabled || !supported) return;
    let connectedBefore = false;
    let missed = false;
    let catchUp: ReturnType<typeof setTimeout> | undefined;
    const reload = () => {
      if (document.hidden) {
        missed = true;
        return;
      }
      router.refresh();
      void queryClient.invalidateQueries();
    };
    const shown = () => {
      if (!document.hidden && missed) {
        missed = false;
        reload();
      }
    };
    const reloadAfter = (delayMs: number) => {
      clearTimeout(catchUp);
      catchUp = setTimeout(reload, delayMs);
    };
    document.addEventListener("visibilitychange", shown);
    const subscription = client.live.changes.subscribe(
      { kinds: kindList.split(",") as LiveKind[] },
      {
        onData(change) {
          const reaction = liveReaction(change, connectedBefore, Math.random());
          if (isConnected(change)) {
            connectedBefore = true;
            setState("live");
          }
          if (reaction.kind === "reload") reload();
          else if (reaction.kind === "catch-up") reloadAfter(reaction.delayMs);
        },
        onConnectionStateChange: (connection) => connection.state === "connecting" && setState("connecting"),
        onError: () => setState("unavailable"),
      },
    );
    return () => {
      subscription.unsubscribe();
      clearTimeout(catchUp);
      document.removeEventListener("visibilitychange", shown);
    };
  }, [enabled, supported, kindList, client, router, queryClient]);

  if (!enabled) return "off";
  return supported ? state : "unavailable";
}
