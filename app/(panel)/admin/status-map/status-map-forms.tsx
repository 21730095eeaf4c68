"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { FormEvent } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { Button, Field, Input, Select } from "@/components/ui/controls";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Card, ErrorNote } from "@/components/ui/states";

const appTypes = ["docker", "site", "service"] as const;
const statuses = ["online", "offline", "starting", "stopping"] as const;
type AppType = (typeof appTypes)[number];
type Status = (typeof statuses)[number];

/** Prefilled from the dashboard's "Map it" link (appType and raw in the URL). */
export function StatusMappingForm({ appType, rawStatus }: { appType?: string; rawStatus?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const set = useMutation(trpc.statusMap.set.mutationOptions({ onSuccess: () => router.refresh() }));
  const errors = formErrors(set.error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    set.mutate({
      appType: String(data.get("appType")) as AppType,
      rawStatus: String(data.get("rawStatus")),
      status: String(data.get("status")) as Status,
    });
  }

  return (
    <div id="map-form">
      <Card title="Map a status">
        <form onSubmit={submit} className="space-y-3" aria-label="Map a status">
          <Field label="App type" error={errors?.fields.appType}>
            <Select name="appType" defaultValue={appTypes.includes(appType as AppType) ? appType : "docker"}>
              {appTypes.map((type) => (
                <option key={type}>{type}</option>
              ))}
            </Select>
          </Field>
          <Field label="Agent status (case ignored)" error={errors?.fields.rawStatus}>
            <Input name="rawStatus" required maxLength={100} defaultValue={rawStatus ?? ""} autoComplete="off" />
          </Field>
          <Field label="AC status" error={errors?.fields.status}>
            <Select name="status" defaultValue="offline">
              {statuses.map((status) => (
                <option key={status}>{status}</option>
              ))}
            </Select>
          </Field>
          {errors ? <ErrorNote>{errors.message}</ErrorNote> : null}
          {set.isSuccess ? (
            <p className="text-sm text-emerald-700" role="status">
              {set.data.appType} “{set.data.rawStatus}” → {set.data.status}; applies at the next poll.
            </p>
          ) : null}
          <Button type="submit" disabled={set.isPending}>
            {set.isPending ? "Saving…" : "Save"}
          </Button>
        </form>
      </Card>
    </div>
  );
}

export function DeleteMappingButton({ id, label }: { id: number; label: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [asking, setAsking] = useState(false);
  const remove = useMutation(trpc.statusMap.delete.mutationOptions({ onSuccess: () => router.refresh() }));
  const error = formErrors(remove.error);
  return (
    <>
      <Button
        variant="secondary"
        aria-label={`Delete ${label}`}
        disabled={remove.isPending}
        onClick={() => setAsking(true)}
      >
        Delete
      </Button>
      {asking ? (
        <ConfirmDialog
          title={`Delete the mapping ${label}?`}
          confirmLabel="Delete"
          danger
          onConfirm={() => remove.mutate({ id })}
          onClose={() => setAsking(false)}
        >
          <p>Agents reporting this status are mapped by the built-in table again from the next poll.</p>
        </ConfirmDialog>
      ) : null}
      {error ? <ErrorNote>{error.message}</ErrorNote> : null}
    </>
  );
}
