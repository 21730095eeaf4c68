import { redirect } from "next/navigation";
import { loginErrorMessage } from "@/lib/login-messages";
import { sameOriginPath } from "@/lib/same-origin-path";
import { currentActor } from "@/server/auth/current-actor";
import { config } from "@/server/config";
import { LoginForm } from "./login-form";

export const metadata = { title: "Log in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; error?: string }>;
}) {
  if (await currentActor()) redirect("/");
  const { callbackUrl, error } = await searchParams;
  // Only paths of this site: a login link must not send the user elsewhere.
  const next = sameOriginPath(callbackUrl);
  const c = config();
  // Only known codes become text (lib/login-messages.ts); the parameter itself is never shown.
  const initialError =
    typeof error === "string" ? loginErrorMessage(error.slice(0, 40), Boolean(c.AC_OIDC_ISSUER)) : null;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="text-lg font-semibold">Application Control</h1>
        <p className="mb-5 text-sm text-slate-500">Log in to continue.</p>
        <LoginForm
          next={next}
          passwordLogin={c.AC_LOCAL_LOGIN || Boolean(c.AC_LDAP_URL)}
          sso={c.AC_OIDC_ISSUER ? c.AC_OIDC_NAME : null}
          initialError={initialError}
        />
      </div>
    </main>
  );
}
