"use client";
import { Button } from "@/components/ui/controls";
import { ErrorNote } from "@/components/ui/states";

export default function PanelError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const forbidden = error.message.includes("role");
  return (
    <div className="space-y-3">
      <ErrorNote>
        {forbidden ? error.message : "This page could not be loaded."}
        {error.digest ? <span className="ml-2 text-xs text-red-600">(reference {error.digest})</span> : null}
      </ErrorNote>
      <Button variant="secondary" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
