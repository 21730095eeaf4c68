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

export type LiveState = "off" | "connecting" | "live" | "unavailable";

/**
 * A reconnect or resync reaches every open tab at once (a replica shut down, the hub's listener
 * reconnected): each reloads at a random moment within this spread instead of all together.
 */
const CATCH_UP_SPREAD_MS = 5_000;

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
    const reloadSoon = () => {
      clearTimeout(catchUp);
      catchUp = setTimeout(reload, Math.random() * CATCH_UP_SPREAD_MS);
    };
    document.addEventListener("visibilitychange", shown);
    const subscription = client.live.changes.subscribe(
      { kinds: kindList.split(",") as LiveKind[] },
      {
        onData(change) {
          // The first event of each connection says "connected": after a break, notices may be lost.
          if (change.kinds.length === 0 && !change.resync) {
            if (connectedBefore) reloadSoon();
            connectedBefore = true;
            setState("live");
            return;
          }
          if (change.resync) reloadSoon();
          else reload();
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
