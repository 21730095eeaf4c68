"use client";
// A backend's charts in the HAProxy view, behind a toggle: a page of many backends loads no chart
// until one is asked for.
import { useState } from "react";
import { Button } from "@/components/ui/controls";
import { HistoryChart } from "./history-chart";

export function BackendCharts({ backendId, prefix }: { backendId: number; prefix: string }) {
  const [shown, setShown] = useState(false);
  return (
    <div className="mb-3">
      <Button
        type="button"
        variant="secondary"
        className="px-2 py-1 text-xs"
        aria-expanded={shown}
        onClick={() => setShown(!shown)}
      >
        {shown ? "Hide charts" : "Charts"}
      </Button>
      {shown ? (
        <div className="mt-3 grid grid-cols-1 gap-4 lg:grid-cols-2">
          <HistoryChart
            title={`${prefix}: servers by status`}
            source={{ procedure: "haproxy", chart: "backend.servers", id: backendId }}
          />
          <HistoryChart
            title={`${prefix}: sessions`}
            source={{ procedure: "haproxy", chart: "backend.sessions", id: backendId }}
          />
        </div>
      ) : null}
    </div>
  );
}
