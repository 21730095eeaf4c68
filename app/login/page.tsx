import { redirect } from "next/navigation";
import { sameOriginPath } from "@/lib/same-origin-path";
import { currentActor } from "@/server/auth/current-actor";
import { LoginForm } from "./login-form";

export const metadata = { title: "Log in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  if (await currentActor()) redirect("/");
  const { callbackUrl } = await searchParams;
  // Only paths of this site: a login link must not send the user elsewhere.
  const next = sameOriginPath(callbackUrl);
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
