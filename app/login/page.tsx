import { redirect } from "next/navigation";
import { sessionActor } from "@/server/auth/session";
import { LoginForm } from "./login-form";

export const metadata = { title: "Log in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  if (await sessionActor()) redirect("/");
  const { callbackUrl } = await searchParams;
  // Only same-site paths: a login link must not send the user elsewhere.
  const next = callbackUrl?.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/";
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="text-lg font-semibold">Application Control</h1>
        <p className="mb-5 text-sm text-slate-500">Log in to continue.</p>
        <LoginForm next={next} />
      </div>
    </main>
  );
}
