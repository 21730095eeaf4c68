"use client";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Button, Field, Input } from "@/components/ui/controls";
import { ErrorNote } from "@/components/ui/states";

export function LoginForm({ next }: { next: string }) {
  const [error, setError] = useState<string | null>(null);
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
    // Never say whether the login exists: one message for every refusal but rate limiting.
    setError(result?.error?.startsWith("Too many") ? result.error : "Login or password is wrong.");
  }

  return (
    <form onSubmit={submit} className="space-y-4">
      <Field label="Login">
        <Input name="login" autoComplete="username" required autoFocus />
      </Field>
      <Field label="Password">
        <Input name="password" type="password" autoComplete="current-password" required />
      </Field>
      {error ? <ErrorNote>{error}</ErrorNote> : null}
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Logging in…" : "Log in"}
      </Button>
    </form>
  );
}
