// next-auth: username + password (local accounts or LDAP) and, when configured, OIDC; JWT sessions. The session carries the user id and the user's
// session version; the role and the disabled flag are read from the database on every request
// (server/auth/session.ts), so a role change, a disabled account or a new password takes effect at once.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { sameOriginPath } from "../../lib/same-origin-path";
import { config } from "../config";
import { logUnexpectedError, unexpectedErrorMessage } from "../error-report";
import { AppError } from "../errors";
import { requestClientAddress } from "../http/client-address";
import { attemptLogin } from "./login";
import { recordLoginAttempt } from "./login-audit";
import { OIDC_PROVIDER_ID, oidcProvider, oidcSignIn } from "./sso/oidc";
import { auditLogout } from "../audit/auth-events";
import { requestMeta } from "../audit/request-meta";
import { sessionUser } from "../users/users";

/** What the session JWT says about its user. */
export type SessionClaims = { id?: string; sessionVersion?: number };

/** The codes next-auth 4 logs for an OAuth callback that failed (next-auth/core/routes/callback.js, lib/oauth/callback.js). */
const OAUTH_ERROR_CODES = new Set([
  "OAUTH_CALLBACK_ERROR",
  "OAUTH_CALLBACK_HANDLER_ERROR",
  "OAUTH_PARSE_PROFILE_ERROR",
  "OAUTH_V1_GET_ACCESS_TOKEN_ERROR",
]);

const publicUrl = config().AC_PUBLIC_URL;
const oidc = oidcProvider(config());

/**
 * next-auth sends the message of an error thrown by authorize to the browser (in the redirect URL)
 * and logs nothing: an outage is logged here with an id, and only the id goes out (docs/operations.md, "Errors and logs").
 */
const withErrorId =
  <A extends unknown[], R>(authorize: (...args: A) => Promise<R>) =>
  async (...args: A): Promise<R> => {
    try {
      return await authorize(...args);
    } catch (error) {
      if (error instanceof AppError) throw error; // a refusal written for the user
      throw new Error(unexpectedErrorMessage(logUnexpectedError("login", error)));
    }
  };

export const authOptions: NextAuthOptions = {
  secret: config().AUTH_SECRET,
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  // `__Secure-` cookies with the Secure flag when users reach AC over https (docs/security.md);
  // without AC_PUBLIC_URL next-auth decides from NEXTAUTH_URL.
  useSecureCookies: publicUrl ? publicUrl.startsWith("https://") : undefined,
  // next-auth's own errors (an OIDC callback that failed) land on the login page as ?error=<code>.
  pages: { signIn: "/login", error: "/login" },
  logger: {
    // An OIDC callback that fails before AC's sign-in decision (state or PKCE mismatch, the
    // provider's error, a bad ID token) is a login outcome too (server/auth/login-audit.ts).
    // Only next-auth's own codes are audited, and the code is quoted in the log: were a caller's
    // text to get here (next-auth's `_log`, refused in server/auth/auth-route.ts), it could neither
    // forge log lines nor write audit rows without end (the anonymous cap is per error text).
    error(code, metadata) {
      console.error(`[next-auth][error]${JSON.stringify(String(code).slice(0, 100))}`, metadata);
      if (OAUTH_ERROR_CODES.has(code))
        void recordLoginAttempt({ source: "oidc", login: "?", outcome: "error", reason: code });
    },
  },
  callbacks: {
    // Credentials logins are decided in authorize; OIDC logins here (server/auth/sso/oidc.ts).
    signIn: ({ user, account, profile }) =>
      account?.provider === OIDC_PROVIDER_ID ? oidcSignIn(user, account, profile) : true,
    jwt: ({ token, user }) =>
      user ? { ...token, sv: (user as { sessionVersion?: number }).sessionVersion ?? 0 } : token,
    session: ({ session, token }) => ({
      ...session,
      user: { ...session.user, id: token.sub, sessionVersion: typeof token.sv === "number" ? token.sv : -1 },
    }),
    // Only paths of this site, whatever callbackUrl a link carried.
    redirect: ({ url, baseUrl }) =>
      baseUrl + sameOriginPath(url.startsWith(baseUrl) ? url.slice(baseUrl.length) || "/" : url),
  },
  events: {
    // A sign-out is audited; the JWT names the user (server/audit/auth-events.ts).
    signOut: async ({ token }) => {
      const user = token?.sub ? await sessionUser(Number(token.sub)).catch(() => null) : null;
      if (user) await auditLogout(user).catch((error: unknown) => logUnexpectedError("audit of a logout", error));
    },
  },
  providers: [
    CredentialsProvider({
      name: "AC account",
      credentials: { login: { label: "Login", type: "text" }, password: { label: "Password", type: "password" } },
      authorize: withErrorId(async (credentials, req) => {
        const login = credentials?.login?.trim() ?? "";
        const password = credentials?.password ?? "";
        if (!login || !password) return null;
        // A LoginLimitedError (an AppError) reaches the login form with its message.
        // Local accounts, then LDAP for other logins (server/auth/login.ts); a LoginRefusedError's
        // code reaches the form too (lib/login-messages.ts).
        const { userAgent } = requestMeta(req?.headers);
        const user = await attemptLogin(login, password, requestClientAddress(req?.headers), userAgent);
        if (!user) return null;
        return { id: String(user.id), name: user.displayName ?? user.login, sessionVersion: user.sessionVersion };
      }),
    }),
    ...(oidc ? [oidc] : []),
  ],
};
