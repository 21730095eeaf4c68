"use client";
// Acknowledge an alert (no more repeats until it resolves), or silence it: the silence form
// collects what to mute, for how long and why; the one confirmation dialog names it before it
// is sent (docs/alerts.md, "Silences").
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Button, Field, Input, Select } from "@/components/ui/controls";

const durations = [
  { minutes: 60, label: "1 hour" },
  { minutes: 240, label: "4 hours" },
  { minutes: 1440, label: "1 day" },
  { minutes: 10080, label: "7 days" },
];

type SilenceRequest = {
  input: { ruleId: number; subjectPattern: string | null; durationMinutes: number; reason: string };
  what: string;
  forHow: string;
};

export function AlertActions(props: {
  id: number;
  ruleId: number;
  rule: string;
  subjectLabel: string;
  acknowledged: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const formId = useId();
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState<SilenceRequest | null>(null);
  const ack = useMutation(trpc.alerts.acknowledge.mutationOptions({ onSuccess: () => router.refresh() }));
  const silence = useMutation(
    trpc.alerts.silence.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        router.refresh();
      },
    }),
  );
  const error = formErrors(ack.error ?? silence.error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const minutes = Number(data.get("duration"));
    const wholeRule = data.get("match") === "rule";
    setPending({
      input: {
        ruleId: props.ruleId,
        subjectPattern: wholeRule ? null : props.subjectLabel,
        durationMinutes: minutes,
        reason: String(data.get("reason")),
      },
      what: wholeRule ? `every alert of ${props.rule}` : `${props.subjectLabel} (${props.rule})`,
      forHow: durations.find((d) => d.minutes === minutes)?.label ?? `${minutes} minutes`,
    });
  }

  return (
    <div className="flex min-w-40 flex-col gap-2">
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          disabled={ack.isPending}
          onClick={() => ack.mutate({ id: props.id, acknowledged: !props.acknowledged })}
        >
          {props.acknowledged ? "Unacknowledge" : "Acknowledge"}
        </Button>
        <Button variant="secondary" aria-expanded={open} aria-controls={formId} onClick={() => setOpen(!open)}>
          Silence…
        </Button>
      </div>
      {open ? (
        <form
          id={formId}
          onSubmit={submit}
          className="space-y-2 rounded-md border border-slate-200 p-2"
          aria-label="Silence"
        >
          <Field label="Mute">
            <Select name="match" defaultValue="subject">
              <option value="subject">{props.subjectLabel} (this rule)</option>
              <option value="rule">every alert of {props.rule}</option>
            </Select>
          </Field>
          <Field label="For">
            <Select name="duration" defaultValue="240">
              {durations.map((d) => (
                <option key={d.minutes} value={d.minutes}>
                  {d.label}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Reason" error={formErrors(silence.error)?.fields.reason}>
            <Input name="reason" required maxLength={500} autoComplete="off" />
          </Field>
          <div className="flex gap-2">
            <Button type="submit" disabled={silence.isPending}>
              Silence
            </Button>
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
          </div>
        </form>
      ) : null}
      {pending ? (
        <ConfirmDialog
          title={`Silence ${pending.what} for ${pending.forHow}?`}
          confirmLabel={`Silence for ${pending.forHow}`}
          danger
          onConfirm={() => silence.mutate(pending.input)}
          onClose={() => setPending(null)}
        >
          <p>No notifications for what this matches until the silence ends; the alerts still show, marked silenced.</p>
        </ConfirmDialog>
      ) : null}
      {error ? (
        <span className="text-sm text-red-700" role="alert">
          {error.message}
        </span>
      ) : null}
    </div>
  );
}
