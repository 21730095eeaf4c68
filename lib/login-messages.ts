// What the login page says when a login is refused for a reason the user can act on. The server
// sends only the code (in next-auth's error parameter); both the form and the page read it here.
// Wrong credentials keep one message for every cause, so it never tells whether a login exists.
export const loginMessages = {
  "no-role":
    "You were recognised, but your account is in no group that gives access to AC. Ask an administrator to add you to one.",
  "login-taken":
    "An AC account with your login name already exists and belongs to another sign-in method. Ask an administrator.",
  "account-disabled": "Your AC account is disabled. Ask an administrator.",
  "bad-login-name": "Your single sign-on account has no usable login name. Ask an administrator.",
  "no-directory-id":
    "Your directory entry has no lasting id that AC can keep your account under. Ask an administrator.",
  "directory-unavailable": "The LDAP directory cannot be reached. Try again later, or log in with a local account.",
  "sso-failed": "Single sign-on did not complete. Try again; if it keeps failing, ask an administrator.",
  "local-login-off": "Local accounts are turned off; log in with single sign-on.",
} as const;

export type LoginRefusal = keyof typeof loginMessages;

export const wrongCredentials = "Login or password is wrong.";

/** For a code AC does not know when single sign-on is not set up: it cannot be an SSO failure. */
export const loginIncomplete = "Logging in did not complete. Try again; if it keeps failing, ask an administrator.";

/**
 * The message for a code from next-auth's error parameter. next-auth's own codes (OAuthCallback…)
 * are SSO failures, so an unknown code says so only when SSO is configured (`sso`).
 */
export function loginErrorMessage(code: string | null | undefined, sso: boolean): string | null {
  if (!code) return null;
  if (code in loginMessages) return loginMessages[code as LoginRefusal];
  if (code === "CredentialsSignin") return wrongCredentials;
  return sso ? loginMessages["sso-failed"] : loginIncomplete;
}
