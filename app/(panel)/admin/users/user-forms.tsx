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
const roleOptions: Role[] = ["viewer", "operator", "admin"];
const aRole = (role: Role) => `${role === "viewer" ? "a" : "an"} ${role}`;

export function CreateUserForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.users.create.mutationOptions({ onSuccess: () => router.refresh() }));
  const errors = formErrors(create.error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    create.mutate(
      {
        login: String(data.get("login")),
        displayName: String(data.get("displayName") ?? "") || undefined,
        password: String(data.get("password")),
        role: String(data.get("role")) as Role,
      },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <Card title="New user">
      <form onSubmit={submit} className="space-y-3" aria-label="Create user">
        <Field label="Login" error={errors?.fields.login}>
          <Input name="login" required autoComplete="off" />
        </Field>
        <Field label="Display name" error={errors?.fields.displayName}>
          <Input name="displayName" autoComplete="off" />
        </Field>
        <Field label="Password (10+ characters)" error={errors?.fields.password}>
          <Input name="password" type="password" required autoComplete="new-password" />
        </Field>
        <Field label="Role">
          <Select name="role" defaultValue="viewer">
            {roleOptions.map((role) => (
              <option key={role}>{role}</option>
            ))}
          </Select>
        </Field>
        {errors ? <ErrorNote>{errors.message}</ErrorNote> : null}
        {create.isSuccess ? <p className="text-sm text-emerald-700">User {create.data.login} created.</p> : null}
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create user"}
        </Button>
      </form>
    </Card>
  );
}

export function UserRowActions({
  user,
  self,
}: {
  user: {
    id: number;
    login: string;
    role: Role;
    disabled: boolean;
    source: "local" | "oidc" | "ldap";
    ssoGroups: string[];
  };
  self: boolean;
}) {
  const sso = user.source !== "local";
  const trpc = useTRPC();
  const router = useRouter();
  const update = useMutation(trpc.users.update.mutationOptions({ onSuccess: () => router.refresh() }));
  const reset = useMutation(trpc.users.resetPassword.mutationOptions());
  const [resetting, setResetting] = useState(false);
  // The select only picks; "Change role" applies. Asking on the select's change asked at every
  // ArrowDown (a closed select changes its value with the arrow keys).
  const [picked, setPicked] = useState<Role | null>(null);
  const chosen = picked ?? user.role;
  // A role change or a disable takes effect at once, so each asks first (components/ui/confirm-dialog.tsx).
  const [asking, setAsking] = useState<{ role: Role } | { disable: true } | null>(null);
  const error = formErrors(update.error ?? reset.error);

  return (
    <div className="space-y-2">
      <div className="flex min-w-52 flex-wrap items-center gap-2">
        {sso ? (
          // The mapping decides at every login and re-check: a change here would be overwritten.
          <span className="text-sm" data-testid={`sso-role-${user.login}`}>
            <span className="font-medium">{user.role}</span>{" "}
            <span className="text-slate-500">
              from {user.ssoGroups.length > 0 ? user.ssoGroups.join(", ") : "no mapped group"} (set by the group
              mapping)
            </span>
          </span>
        ) : (
          <>
            {/* The kit's controls are full width; a "w-28" on the select itself lost to that, so each
                control took a line of its own (rows 150 px tall on a phone). */}
            <div className="w-28">
              <Select
                aria-label={`Role of ${user.login}`}
                value={chosen}
                disabled={self || update.isPending}
                onChange={(event) => setPicked(event.target.value as Role)}
              >
                {roleOptions.map((role) => (
                  <option key={role}>{role}</option>
                ))}
              </Select>
            </div>
            {chosen !== user.role ? (
              <Button disabled={update.isPending} onClick={() => setAsking({ role: chosen })}>
                Change role<span className="sr-only"> of {user.login}</span>
              </Button>
            ) : null}
          </>
        )}
        <Button
          variant="secondary"
          disabled={self || update.isPending}
          onClick={() =>
            user.disabled ? update.mutate({ id: user.id, disabled: false }) : setAsking({ disable: true })
          }
        >
          {user.disabled ? "Enable" : "Disable"}
        </Button>
        {sso ? null : (
          <Button variant="secondary" onClick={() => setResetting((open) => !open)} aria-expanded={resetting}>
            Reset password
          </Button>
        )}
      </div>
      {resetting ? (
        <form
          className="flex gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            const password = String(new FormData(event.currentTarget).get("password"));
            reset.mutate({ id: user.id, password }, { onSuccess: () => setResetting(false) });
          }}
        >
          <Input
            name="password"
            type="password"
            placeholder="New password"
            aria-label={`New password for ${user.login}`}
            autoComplete="new-password"
            required
          />
          <Button type="submit" disabled={reset.isPending}>
            Save
          </Button>
        </form>
      ) : null}
      {asking ? (
        <ConfirmDialog
          title={"role" in asking ? `Make ${user.login} ${aRole(asking.role)}?` : `Disable ${user.login}?`}
          confirmLabel={"role" in asking ? `Make ${asking.role}` : "Disable"}
          danger={!("role" in asking)}
          onConfirm={() =>
            update.mutate("role" in asking ? { id: user.id, role: asking.role } : { id: user.id, disabled: true })
          }
          onClose={() => setAsking(null)}
        >
          <p>
            {"role" in asking
              ? `${user.login} is ${aRole(user.role)} now; the change applies to open sessions and API tokens at once.`
              : `${user.login}'s open sessions end and their API tokens stop working at once.`}
          </p>
        </ConfirmDialog>
      ) : null}
      {reset.isSuccess && !resetting ? <p className="text-xs text-emerald-700">Password changed.</p> : null}
      {update.isSuccess && !asking ? (
        <p role="status" className="text-xs text-emerald-700">
          Saved.
        </p>
      ) : null}
      {error ? <ErrorNote>{error.fields.password ?? error.message}</ErrorNote> : null}
    </div>
  );
}
