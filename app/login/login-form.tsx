"use client";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Button, Field, Input } from "@/components/ui/controls";
import { ErrorNote } from "@/components/ui/states";
import { loginMessages, wrongCredentials, type LoginRefusal } from "@/lib/login-messages";

/** The error text for a password login's result: limits and actionable refusals as such, all else one message. */
function passwordError(code: string | null | undefined): string {
  if (code?.startsWith("Too many")) return code;
  // Never say whether the login exists: one message for every other refusal.
  return code && code in loginMessages ? loginMessages[code as LoginRefusal] : wrongCredentials;
}

export function LoginForm({
  next,
  passwordLogin,
  sso,
  initialError,
}: {
  next: string;
  /** Local accounts or LDAP: the login / password form. */
  passwordLogin: boolean;
  /** The OIDC button's label, when OIDC is configured. */
  sso: string | null;
  initialError: string | null;
}) {
  const [error, setError] = useState<string | null>(initialError);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", {
      login: String(form.get("login") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    setPending(false);
    if (result?.ok) {
      window.location.assign(next);
      return;
    }
    setError(passwordError(result?.error));
  }

  return (
    <div className="space-y-4">
      {sso ? (
        <Button
          type="button"
          className="w-full"
          disabled={pending}
          onClick={() => {
            setPending(true);
            // next-auth redirects to the provider; its answer comes back to /login?error=… on refusal.
            void signIn("oidc", { callbackUrl: next });
          }}
        >
          Sign in with {sso}
        </Button>
      ) : null}
      {sso && passwordLogin ? <p className="text-center text-xs text-slate-500">or with a password</p> : null}
      {passwordLogin ? (
        <form onSubmit={submit} className="space-y-4">
          <Field label="Login">
            <Input name="login" autoComplete="username" required autoFocus={!sso} />
          </Field>
          <Field label="Password">
            <Input name="password" type="password" autoComplete="current-password" required />
          </Field>
          <Button type="submit" disabled={pending} className="w-full" variant={sso ? "secondary" : "primary"}>
            {pending ? "Logging in…" : "Log in"}
          </Button>
        </form>
      ) : null}
      {error ? <ErrorNote>{error}</ErrorNote> : null}
    </div>
  );
}
