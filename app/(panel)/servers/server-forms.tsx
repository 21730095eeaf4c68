"use client";
// Admins add, edit and delete servers. Field errors come from the API's validation.
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Button, Field, Input } from "@/components/ui/controls";
import { Card, ErrorNote } from "@/components/ui/states";

type EditedServer = {
  id: number;
  name: string;
  ip: string;
  port: number;
  isHaproxyNode: boolean;
  isEurekaNode: boolean;
  hasAgentToken: boolean;
};

function readForm(form: HTMLFormElement) {
  const data = new FormData(form);
  const text = (key: string) => String(data.get(key) ?? "").trim();
  return {
    name: text("name"),
    ip: text("ip"),
    port: text("port") === "" ? Number.NaN : Number(text("port")),
    isHaproxyNode: data.get("isHaproxyNode") === "on",
    isEurekaNode: data.get("isEurekaNode") === "on",
    agentToken: text("agentToken"),
    clearToken: data.get("clearToken") === "on",
  };
}

/** Create when `server` is absent, edit otherwise; `danger` (the edit page's Delete) ends the card. */
export function ServerForm({ server, danger }: { server?: EditedServer; danger?: ReactNode }) {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.servers.create.mutationOptions({ onSuccess: () => router.refresh() }));
  const update = useMutation(trpc.servers.update.mutationOptions({ onSuccess: () => router.refresh() }));
  const mutation = server ? update : create;
  const errors = formErrors(mutation.error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const { agentToken, clearToken, ...fields } = readForm(form);
    if (server) {
      // An empty token field keeps the stored token; "remove" clears it.
      update.mutate({ id: server.id, ...fields, agentToken: agentToken || (clearToken ? "" : undefined) });
    } else {
      create.mutate({ ...fields, agentToken: agentToken || null }, { onSuccess: () => form.reset() });
    }
  }

  return (
    <Card title={server ? "Edit server" : "Add server"}>
      <form
        onSubmit={submit}
        className="space-y-3"
        aria-label={server ? "Edit server" : "Add server"}
        id={server ? "edit-server" : undefined}
        noValidate
      >
        <Field label="Name" error={errors?.fields.name}>
          <Input
            name="name"
            required
            defaultValue={server?.name}
            autoComplete="off"
            aria-invalid={!!errors?.fields.name}
          />
        </Field>
        <div className="grid grid-cols-[1fr_6.5rem] gap-2">
          <Field label="IP address" error={errors?.fields.ip}>
            <Input
              name="ip"
              required
              defaultValue={server?.ip}
              placeholder="10.0.0.5"
              autoComplete="off"
              aria-invalid={!!errors?.fields.ip}
            />
          </Field>
          <Field label="Agent port" error={errors?.fields.port}>
            <Input
              name="port"
              type="number"
              inputMode="numeric"
              min={1}
              max={65535}
              required
              defaultValue={server?.port ?? 9100}
              aria-invalid={!!errors?.fields.port}
            />
          </Field>
        </div>
        <Field
          label={server?.hasAgentToken ? "Agent token (leave empty to keep the current one)" : "Agent token (optional)"}
          error={errors?.fields.agentToken}
        >
          <Input name="agentToken" type="password" autoComplete="off" />
        </Field>
        {server?.hasAgentToken ? (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="clearToken" /> Remove the agent token
          </label>
        ) : null}
        <fieldset className="flex flex-wrap gap-4 text-sm">
          <legend className="sr-only">Roles of this server</legend>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="isHaproxyNode" defaultChecked={server?.isHaproxyNode} /> HAProxy node
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="isEurekaNode" defaultChecked={server?.isEurekaNode} /> Eureka node
          </label>
        </fieldset>
        {errors ? <ErrorNote>{errors.message}</ErrorNote> : null}
        <div aria-live="polite" className="text-sm text-emerald-700">
          {create.isSuccess && !server ? (
            <p>
              Server{" "}
              <Link className="underline" href={`/servers/${create.data.id}`}>
                {create.data.name}
              </Link>{" "}
              added; it is polled on the next cycle.
            </p>
          ) : null}
          {update.isSuccess && server ? <p>Saved.</p> : null}
        </div>
        <Button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? "Saving…" : server ? "Save changes" : "Add server"}
        </Button>
      </form>
      {danger ? <div className="mt-4 border-t border-slate-100 pt-4">{danger}</div> : null}
    </Card>
  );
}

/** Deleting asks once more (components/ui/confirm-dialog.tsx), naming what goes: the server and its instances. */
export function DeleteServerButton({
  server,
  afterDelete,
}: {
  server: { id: number; name: string };
  afterDelete?: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation(
    trpc.servers.delete.mutationOptions({
      onSuccess: () => (afterDelete ? router.push(afterDelete) : router.refresh()),
    }),
  );
  const error = formErrors(remove.error);
  return (
    <>
      <Button variant="secondary" disabled={remove.isPending} onClick={() => setConfirming(true)}>
        {remove.isPending ? "Deleting…" : "Delete"}
        <span className="sr-only"> {server.name}</span>
      </Button>
      {confirming ? (
        <ConfirmDialog
          title={`Delete ${server.name}?`}
          confirmLabel="Delete"
          danger
          onConfirm={() => remove.mutate({ id: server.id })}
          onClose={() => setConfirming(false)}
        >
          <p>The server and its instances go; events and version history stay.</p>
        </ConfirmDialog>
      ) : null}
      {error ? <ErrorNote>{error.message}</ErrorNote> : null}
    </>
  );
}
