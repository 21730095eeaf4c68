// next-auth: username + password, JWT sessions. The session only carries the user id; the
// role and the disabled flag are read from the database on every request (server/auth/session.ts),
// so a role change or a disabled account takes effect at once.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { config } from "../config";
import { logUnexpectedError, unexpectedErrorMessage } from "../error-report";
import { AppError } from "../errors";
import { checkCredentials } from "../users/users";
import { loginBlockedFor, recordFailedLogin, recordSuccessfulLogin } from "./login-limiter";

function clientAddress(headers: Record<string, unknown> | undefined): string {
  const forwarded = headers?.["x-forwarded-for"];
  const first = typeof forwarded === "string" ? forwarded.split(",")[0]?.trim() : undefined;
  return first || "unknown";
}

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
  pages: { signIn: "/login" },
  callbacks: {
    session: ({ session, token }) => ({ ...session, user: { ...session.user, id: token.sub } }),
  },
  providers: [
    CredentialsProvider({
      name: "AC account",
      credentials: { login: { label: "Login", type: "text" }, password: { label: "Password", type: "password" } },
      authorize: withErrorId(async (credentials, req) => {
        const login = credentials?.login?.trim() ?? "";
        const password = credentials?.password ?? "";
        if (!login || !password) return null;
        const address = clientAddress(req?.headers);
        const wait = await loginBlockedFor(login, address);
        if (wait > 0) throw new AppError("TOO_MANY_REQUESTS", `Too many failed attempts. Try again in ${wait} s.`);
        const user = await checkCredentials(login, password);
        if (!user) {
          await recordFailedLogin(login, address);
          return null;
        }
        await recordSuccessfulLogin(login, address);
        return { id: String(user.id), name: user.displayName ?? user.login };
      }),
    }),
  ],
};
