"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { Button } from "@/components/ui/controls";

/** Ends a silence now; what it muted notifies again at the next evaluation. */
export function ExpireSilenceButton({ id }: { id: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const expire = useMutation(trpc.alerts.expireSilence.mutationOptions({ onSuccess: () => router.refresh() }));
  const error = formErrors(expire.error);
  return (
    <>
      <Button
        variant="secondary"
        disabled={expire.isPending}
        onClick={() => {
          if (window.confirm("End this silence now? Firing alerts it muted are notified at the next evaluation."))
            expire.mutate({ id });
        }}
      >
        End now
      </Button>
      {error ? (
        <span className="text-sm text-red-700" role="alert">
          {error.message}
        </span>
      ) : null}
    </>
  );
}
