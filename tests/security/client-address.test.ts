// Which address a request comes from, as the login limits see it: the TCP peer, or behind
// trusted proxies the first untrusted hop of X-Forwarded-For from the right. Settings that
// cannot be parsed stop AC at start with the variable named.
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/server/config";
import {
  clientAddress,
  parseTrustedProxies,
  requestClientAddress,
  trustedProxyMatcher,
} from "@/server/http/client-address";
import { contentSecurityPolicy } from "@/server/http/security-headers";

const trusted = trustedProxyMatcher(["10.0.0.0/8", "::1", "192.0.2.1"]);

describe("client address", () => {
  it("is the peer when the peer is not a trusted proxy, whatever X-Forwarded-For says", () => {
    expect(clientAddress("203.0.113.5", "1.2.3.4", trusted)).toBe("203.0.113.5");
    expect(clientAddress("::ffff:203.0.113.5", "10.0.0.1", trusted)).toBe("203.0.113.5");
  });

  it("walks X-Forwarded-For from the right past trusted hops", () => {
    expect(clientAddress("10.0.0.2", "203.0.113.9", trusted)).toBe("203.0.113.9");
    expect(clientAddress("10.0.0.2", "1.1.1.1, 203.0.113.9, 10.1.1.1, 192.0.2.1", trusted)).toBe("203.0.113.9");
    expect(clientAddress("::1", "2001:db8::7", trusted)).toBe("2001:db8::7");
  });

  it("stops at the last real hop when an entry is garbage, and uses the proxy when nothing is forwarded", () => {
    expect(clientAddress("10.0.0.2", "evil, 203.0.113.9", trusted)).toBe("203.0.113.9");
    expect(clientAddress("10.0.0.2", "<script>", trusted)).toBe("10.0.0.2");
    expect(clientAddress("10.0.0.2", undefined, trusted)).toBe("10.0.0.2");
  });

  it("is one shared 'unknown' without AC's web server in front, as a header could be the caller's", () => {
    expect(requestClientAddress({ "x-ac-client-address": "203.0.113.5" })).toBe("unknown");
  });

  it("parses proxy lists and names a bad entry", () => {
    expect(parseTrustedProxies(" 10.0.0.0/8, 127.0.0.1 ::1 ")).toEqual(["10.0.0.0/8", "127.0.0.1/32", "::1/128"]);
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(/"10\.0\.0\.0\/33" is not an IP address or CIDR/);
    expect(() => parseTrustedProxies("proxy.example")).toThrow(/proxy\.example/);
    expect(() => parseConfig({ AC_TRUSTED_PROXIES: "10.0.0.1, nope" })).toThrow(ConfigError);
    expect(() => parseConfig({ AC_TRUSTED_PROXIES: "10.0.0.1, nope" })).toThrow(/AC_TRUSTED_PROXIES/);
  });
});

describe("public URL", () => {
  it("accepts http and https URLs only", () => {
    expect(parseConfig({ AC_PUBLIC_URL: "https://ac.example.internal/" }).AC_PUBLIC_URL).toBe(
      "https://ac.example.internal",
    );
    expect(parseConfig({}).AC_PUBLIC_URL).toBeUndefined();
    expect(() => parseConfig({ AC_PUBLIC_URL: "ftp://ac.example.internal" })).toThrow(/AC_PUBLIC_URL/);
  });

  it("makes the CSP upgrade requests to https only when users come over https", () => {
    expect(contentSecurityPolicy("n", { dev: false, https: true })).toContain("upgrade-insecure-requests");
    expect(contentSecurityPolicy("n", { dev: false, https: false })).not.toContain("upgrade-insecure-requests");
    expect(contentSecurityPolicy("n", { dev: false, https: false })).not.toContain("unsafe-eval");
  });
});
