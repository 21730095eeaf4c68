// The login page's text for next-auth's error parameter (lib/login-messages.ts): known codes get
// their message; an unknown one is blamed on single sign-on only when SSO is configured.
import { describe, expect, it } from "vitest";
import { loginErrorMessage, loginIncomplete, loginMessages, wrongCredentials } from "@/lib/login-messages";

describe("loginErrorMessage", () => {
  it("says something true for every code, with and without SSO", () => {
    expect(loginErrorMessage(undefined, true)).toBeNull();
    expect(loginErrorMessage("CredentialsSignin", false)).toBe(wrongCredentials);
    expect(loginErrorMessage("account-disabled", false)).toBe(loginMessages["account-disabled"]);
    expect(loginErrorMessage("OAuthCallback", true)).toBe(loginMessages["sso-failed"]);
    expect(loginErrorMessage("foo", false)).toBe(loginIncomplete);
    expect(loginIncomplete).not.toMatch(/single sign-on/i);
  });
});
