"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Button, Field, Input, Select } from "@/components/ui/controls";
import { Card, ErrorNote } from "@/components/ui/states";

type Role = "viewer" | "operator" | "admin";

export function CreateTokenForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.apiTokens.create.mutationOptions({ onSuccess: () => router.refresh() }));
  const errors = formErrors(create.error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const days = Number(data.get("expiresInDays"));
    // Emptied once created, as the user form is: a second click must not make a twin token.
    create.mutate(
      {
        name: String(data.get("name")),
        role: String(data.get("role")) as Role,
        expiresInDays: days > 0 ? days : undefined,
      },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <Card title="New API token">
      <form onSubmit={submit} className="space-y-3" aria-label="Create API token">
        <Field label="Name (which tool uses it)" error={errors?.fields.name}>
          <Input name="name" required />
        </Field>
        <Field label="Role">
          <Select name="role" defaultValue="viewer">
            <option>viewer</option>
            <option>operator</option>
            <option>admin</option>
          </Select>
        </Field>
        <Field label="Expires after (days, empty = never)" error={errors?.fields.expiresInDays}>
          <Input name="expiresInDays" type="number" min={1} max={3650} />
        </Field>
        {errors ? <ErrorNote>{errors.message}</ErrorNote> : null}
        <Button type="submit" disabled={create.isPending}>
          Create token
        </Button>
      </form>
      {create.data ? (
        <div className="mt-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm" role="status">
          <p className="font-medium">Copy the token now: it is shown only once.</p>
          <code className="mt-2 block break-all rounded bg-white p-2 font-mono text-xs" data-testid="new-token">
            {create.data.secret}
          </code>
        </div>
      ) : null}
    </Card>
  );
}

export function RevokeTokenButton({ id, name }: { id: number; name: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation(trpc.apiTokens.revoke.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <>
      <Button variant="danger" disabled={revoke.isPending} onClick={() => setConfirming(true)}>
        Revoke
      </Button>
      {confirming ? (
        <ConfirmDialog
          title={`Revoke the token "${name}"?`}
          confirmLabel="Revoke"
          danger
          onConfirm={() => revoke.mutate({ id })}
          onClose={() => setConfirming(false)}
        >
          <p>Tools using it stop working at once.</p>
        </ConfirmDialog>
      ) : null}
      {revoke.error ? <ErrorNote>{formErrors(revoke.error)?.message}</ErrorNote> : null}
    </>
  );
}
