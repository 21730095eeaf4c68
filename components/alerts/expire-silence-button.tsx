"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { ConfirmButton } from "@/components/ui/confirm-dialog";

/** Ends a silence now; what it muted notifies again at the next evaluation. */
export function ExpireSilenceButton({ id }: { id: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const expire = useMutation(trpc.alerts.expireSilence.mutationOptions({ onSuccess: () => router.refresh() }));
  const error = formErrors(expire.error);
  return (
    <>
      <ConfirmButton
        variant="secondary"
        disabled={expire.isPending}
        ask={{
          title: "End this silence now?",
          confirmLabel: "End the silence",
          body: "Firing alerts it muted are notified at the next evaluation.",
        }}
        onConfirm={() => expire.mutate({ id })}
      >
        End now
      </ConfirmButton>
      {error ? (
        <span className="text-sm text-red-700" role="alert">
          {error.message}
        </span>
      ) : null}
    </>
  );
}
