import { describe, expect, it } from "vitest";
import { redactUrlCredentials } from "@/server/security/redact-url";

describe("redactUrlCredentials", () => {
  it("stars the password of every URL in a text and keeps user, host and path", () => {
    expect(redactUrlCredentials("connect postgresql://ac:s3cret@db.example:5432/ac failed; https://u:p@h/x ok")).toBe(
      "connect postgresql://ac:***@db.example:5432/ac failed; https://u:***@h/x ok",
    );
  });

  it("hides a password holding @ or / and one in a URL that does not parse", () => {
    expect(redactUrlCredentials("postgres://u:p@s/s@h/db")).toBe("postgres://u:***@h/db");
    expect(redactUrlCredentials('"postgres://ac:s3cret@:99999/db"')).toBe('"postgres://ac:***@:99999/db"');
  });

  it("leaves URLs without a password and other text alone", () => {
    for (const text of ["postgres://ac@db/ac", "http://example.test/a:b@c", "no URL: a@b"])
      expect(redactUrlCredentials(text)).toBe(text);
  });
});
