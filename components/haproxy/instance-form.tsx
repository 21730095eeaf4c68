"use client";
// Registering and editing an HAProxy instance (admins): the agent that serves it, its name there,
// the runtime socket, whether it is synced, and which backends to poll (one name or /regex/ a line).
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Button, Field, Input, Select } from "@/components/ui/controls";
import { ErrorNote } from "@/components/ui/states";

type Instance = {
  id: number;
  name: string;
  serverId: number;
  socketPath: string | null;
  isActive: boolean;
  backendFilter: string[];
};
type ServerOption = { id: number; name: string };

const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

export function InstanceForm({ servers, instance }: { servers: ServerOption[]; instance?: Instance }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant={instance ? "secondary" : "primary"}
        className={instance ? "px-2 py-1 text-xs" : ""}
        onClick={() => setOpen(true)}
      >
        {instance ? "Edit…" : "Register instance…"}
      </Button>
      {open ? <InstanceDialog servers={servers} instance={instance} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

/**
 * The dialog itself, mounted only while open: the instances page has one form per row, and each
 * closed form with its select of servers was HTML the page sent for nothing (docs/performance.md,
 * "Inventory pages at 500,000 instances").
 */
function InstanceDialog({
  servers,
  instance,
  onClose,
}: {
  servers: ServerOption[];
  instance?: Instance;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, []);
  const [form, setForm] = useState(() =>
    instance
      ? { ...instance, socketPath: instance.socketPath ?? "", filter: instance.backendFilter.join("\n") }
      : { name: "", serverId: servers[0]?.id ?? 0, socketPath: "", isActive: true, filter: "" },
  );
  const create = useMutation(trpc.haproxy.createInstance.mutationOptions());
  const update = useMutation(trpc.haproxy.updateInstance.mutationOptions());
  const errors = formErrors(create.error ?? update.error);
  const title = instance ? `Edit ${instance.name}` : "Register an HAProxy instance";
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const input = {
      name: form.name,
      serverId: Number(form.serverId),
      socketPath: form.socketPath,
      isActive: form.isActive,
      backendFilter: lines(form.filter),
    };
    const finish = () => {
      dialog.current?.close();
      router.refresh();
    };
    if (instance) update.mutate({ id: instance.id, ...input }, { onSuccess: finish });
    else create.mutate(input, { onSuccess: finish });
  };

  return (
    <dialog
      ref={dialog}
      onClose={onClose}
      aria-label={title}
      className="m-auto w-[min(36rem,calc(100vw-2rem))] rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <form onSubmit={submit} className="space-y-3 p-5">
        <h2 className="text-lg font-semibold text-slate-900">{title}</h2>
        <Field label="Name on the agent" error={errors?.fields.name}>
          <Input required value={form.name} onChange={(e) => set({ name: e.target.value })} placeholder="e.g. lb1" />
        </Field>
        <Field label="Server (its agent serves the instance)" error={errors?.fields.serverId}>
          <Select value={form.serverId} onChange={(e) => set({ serverId: Number(e.target.value) })}>
            {servers.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Runtime API socket (informational)" error={errors?.fields.socketPath}>
          <Input
            value={form.socketPath}
            onChange={(e) => set({ socketPath: e.target.value })}
            placeholder="/run/haproxy/admin.sock"
          />
        </Field>
        <Field label="Backends to poll: one name or /regex/ a line; empty = all" error={errors?.fields.backendFilter}>
          <textarea
            className="block w-full rounded-md border border-slate-300 px-2.5 py-1.5 font-mono text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
            rows={4}
            value={form.filter}
            onChange={(e) => set({ filter: e.target.value })}
            placeholder={"web_backend\n/^api_/"}
          />
        </Field>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={form.isActive} onChange={(e) => set({ isActive: e.target.checked })} /> Active
          (synced by the background job)
        </label>
        {errors ? <ErrorNote>{errors.message}</ErrorNote> : null}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </Button>
          <Button type="submit" disabled={create.isPending || update.isPending}>
            {instance ? "Save" : "Register"}
          </Button>
        </div>
      </form>
    </dialog>
  );
}

export function DeleteInstanceButton({ instance }: { instance: { id: number; name: string } }) {
  const trpc = useTRPC();
  const router = useRouter();
  const remove = useMutation(trpc.haproxy.deleteInstance.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <span className="inline-flex flex-col items-start">
      <ConfirmButton
        className="px-2 py-1 text-xs"
        disabled={remove.isPending}
        ask={{
          title: `Delete the HAProxy instance ${instance.name}?`,
          confirmLabel: "Delete",
          body: "Its backends, servers and status history go with it; the audit log keeps its commands.",
        }}
        onConfirm={() => remove.mutate({ id: instance.id })}
      >
        Delete
      </ConfirmButton>
      {remove.error ? <span className="text-xs text-red-700">{formErrors(remove.error)?.message}</span> : null}
    </span>
  );
}
