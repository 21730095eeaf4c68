// After logging in, a user goes to the callbackUrl of the link they followed: only ever a path of
// this site. Browsers read a backslash as a slash, drop tabs and newlines inside URLs, and resolve
// dot segments, so each form below would otherwise leave the site.
import { describe, expect, it } from "vitest";
import { sameOriginPath } from "@/lib/same-origin-path";
import { authOptions } from "@/server/auth/next-auth";

const leaving = [
  "/\\evil.example",
  "\\/evil.example",
  "//evil.example",
  "///evil.example",
  "http://evil.example",
  "https://evil.example/path",
  "javascript:alert(1)",
  "/\t/evil.example",
  "/\n/evil.example",
  " /evil.example",
  "/..//evil.example",
  "/./\\evil.example",
  "evil.example",
  "%2F%2Fevil.example",
  "",
];

describe("login redirects", () => {
  it.each(leaving.map((v) => [v]))("%j goes to the dashboard instead", (target) => {
    expect(sameOriginPath(target)).toBe("/");
  });

  it.each([
    ["/servers?status=offline", "/servers?status=offline"],
    ["/admin/users?q=e2e", "/admin/users?q=e2e"],
    ["/applications/12#history", "/applications/12#history"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"], // an encoded path stays a path of this site
  ])("%j is kept", (target, kept) => {
    expect(sameOriginPath(target)).toBe(kept);
  });

  it("next-auth's redirect callback keeps only this site's paths", async () => {
    const redirect = authOptions.callbacks!.redirect!;
    const baseUrl = "http://ac.example.internal";
    expect(await redirect({ url: "/\\evil.example", baseUrl })).toBe(`${baseUrl}/`);
    expect(await redirect({ url: "https://evil.example/x", baseUrl })).toBe(`${baseUrl}/`);
    expect(await redirect({ url: `${baseUrl}.evil.example/x`, baseUrl })).toBe(`${baseUrl}/`);
    expect(await redirect({ url: `${baseUrl}/servers`, baseUrl })).toBe(`${baseUrl}/servers`);
    expect(await redirect({ url: "/tasks?status=running", baseUrl })).toBe(`${baseUrl}/tasks?status=running`);
  });
});
