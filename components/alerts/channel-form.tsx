"use client";
// An admin's form for one notification channel (docs/alerts.md, "Channels"): settings as JSON,
// secrets as JSON that is never shown again (left empty on edit, the stored secrets stay), and
// routing. Plus "Send test" and delete.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Button, Field, Input, inputClass, Select } from "@/components/ui/controls";
import { ErrorNote } from "@/components/ui/states";
import type { ChannelItem } from "@/server/alerts/channels";
import { alertRuleKinds, alertSeverities, channelTypes, exampleChannel, type AlertRuleKindName } from "@/lib/alerts";
import { parseJsonObject, splitList } from "./json-field";

type ChannelType = (typeof channelTypes)[number];

export function ChannelForm({ channel, onDone }: { channel?: ChannelItem; onDone?: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [type, setType] = useState<ChannelType>(channel?.type ?? "webhook");
  const [localError, setLocalError] = useState<string | null>(null);
  const done = () => (router.refresh(), onDone?.());
  const create = useMutation(trpc.alerts.createChannel.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.alerts.updateChannel.mutationOptions({ onSuccess: done }));
  const errors = formErrors(create.error ?? update.error);
  const pending = create.isPending || update.isPending;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const settings = parseJsonObject(String(data.get("settings")), "Settings");
    const secrets = parseJsonObject(String(data.get("secrets")), "Secrets");
    if ("error" in settings) return setLocalError(settings.error);
    if ("error" in secrets) return setLocalError(secrets.error);
    setLocalError(null);
    const input = {
      name: String(data.get("name")),
      type,
      settings: settings.value,
      secrets: secrets.value,
      enabled: data.get("enabled") === "on",
      minSeverity: String(data.get("minSeverity")) as (typeof alertSeverities)[number],
      routeKinds: splitList(String(data.get("routeKinds"))) as AlertRuleKindName[],
      routeRuleIds: splitList(String(data.get("routeRuleIds"))).map(Number),
      routeScopes: splitList(String(data.get("routeScopes"))),
      repeatIntervalSeconds: Number(data.get("repeatIntervalSeconds")),
      sendResolved: data.get("sendResolved") === "on",
    };
    if (channel) update.mutate({ id: channel.id, channel: input });
    else create.mutate(input);
  }

  const example = exampleChannel[type];
  return (
    <form
      onSubmit={submit}
      className="grid gap-3 sm:grid-cols-2"
      aria-label={channel ? `Edit ${channel.name}` : "New channel"}
    >
      <Field label="Name" error={errors?.fields.name}>
        <Input name="name" required maxLength={120} defaultValue={channel?.name} autoComplete="off" />
      </Field>
      <Field label="Type">
        <Select name="type" value={type} onChange={(e) => setType(e.target.value as ChannelType)}>
          {channelTypes.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </Select>
      </Field>
      <Field label={`Settings (JSON, e.g. ${example.settings})`}>
        <textarea
          name="settings"
          rows={3}
          className={`${inputClass} font-mono`}
          key={`settings-${type}`}
          defaultValue={channel && channel.type === type ? JSON.stringify(channel.settings) : example.settings}
        />
      </Field>
      <Field
        label={
          channel?.secretsSet.length
            ? `Secrets (JSON, write-only; set: ${channel.secretsSet.join(", ")}; empty keeps them)`
            : `Secrets (JSON, write-only, e.g. ${example.secrets})`
        }
      >
        <textarea
          name="secrets"
          rows={3}
          className={`${inputClass} font-mono`}
          key={`secrets-${type}`}
          autoComplete="off"
        />
      </Field>
      <Field label="Kinds routed (comma-separated; empty = all)">
        <Input name="routeKinds" defaultValue={channel?.routeKinds.join(", ")} placeholder={alertRuleKinds[0]} />
      </Field>
      <Field label="Rule ids routed (comma-separated; empty = all)">
        <Input name="routeRuleIds" defaultValue={channel?.routeRuleIds.join(", ")} inputMode="numeric" />
      </Field>
      <Field label="Rule scopes routed (e.g. group:3; empty = all)">
        <Input name="routeScopes" defaultValue={channel?.routeScopes.join(", ")} />
      </Field>
      <div className="grid grid-cols-2 gap-2">
        <Field label="Lowest severity">
          <Select name="minSeverity" defaultValue={channel?.minSeverity ?? "info"}>
            {alertSeverities.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </Select>
        </Field>
        <Field label="Repeat every (s, 0 = never)">
          <Input
            name="repeatIntervalSeconds"
            type="number"
            min={0}
            max={604800}
            required
            defaultValue={channel?.repeatIntervalSeconds ?? 14400}
          />
        </Field>
      </div>
      <div className="flex flex-wrap gap-4 text-sm">
        <label className="flex items-center gap-2">
          <input type="checkbox" name="enabled" defaultChecked={channel?.enabled ?? true} /> Enabled
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" name="sendResolved" defaultChecked={channel?.sendResolved ?? true} /> Send resolved
        </label>
      </div>
      <div className="sm:col-span-2">
        <Button type="submit" disabled={pending}>
          {channel ? "Save" : "Create channel"}
        </Button>
      </div>
      {localError || errors ? (
        <div className="sm:col-span-2">
          <ErrorNote>{localError ?? errors?.message}</ErrorNote>
        </div>
      ) : null}
    </form>
  );
}

/** Edit, send a test message, delete: an admin's buttons on a channel. */
export function ChannelActions({ channel }: { channel: ChannelItem }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const test = useMutation(trpc.alerts.testChannel.mutationOptions({ onSuccess: () => router.refresh() }));
  const remove = useMutation(trpc.alerts.deleteChannel.mutationOptions({ onSuccess: () => router.refresh() }));
  const error = formErrors(test.error ?? remove.error);
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? "Close" : "Edit"}
        </Button>
        <Button variant="secondary" disabled={test.isPending} onClick={() => test.mutate({ id: channel.id })}>
          Send test
        </Button>
        <ConfirmButton
          disabled={remove.isPending}
          ask={{
            title: `Delete the channel ${channel.name}?`,
            confirmLabel: "Delete",
            body: "Its delivery log goes with it; its messages not yet sent are dropped.",
          }}
          onConfirm={() => remove.mutate({ id: channel.id })}
        >
          Delete
        </ConfirmButton>
      </div>
      {test.isSuccess ? (
        <p className="text-sm text-emerald-700" role="status">
          Test message queued; its attempts show in the delivery log.
        </p>
      ) : null}
      {error ? <ErrorNote>{error.message}</ErrorNote> : null}
      {open ? (
        <div className="rounded-md border border-slate-200 p-3">
          <ChannelForm channel={channel} onDone={() => setOpen(false)} />
        </div>
      ) : null}
    </div>
  );
}
