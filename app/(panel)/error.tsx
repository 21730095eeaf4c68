"use client";
import { Button } from "@/components/ui/controls";
import { ErrorNote } from "@/components/ui/states";

export default function PanelError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  // Only AC's own refusal ("This needs the operator role; you are viewer") is shown as is; any other
  // message (a database's, say: `role "ac" does not exist`) stays in the server log under the digest.
  const forbidden = /^This needs the \w+ role; you are \w+$/.test(error.message);
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
