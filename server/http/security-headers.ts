// The browser-side defences: a nonce-based Content-Security-Policy per page (set by proxy.ts, the
// way Next.js documents for nonces) and fixed headers on every response (next.config.ts).
// docs/security.md, "Headers and cookies".

/**
 * The CSP of one page response. Scripts run only with this response's nonce (Next.js puts it on
 * its own scripts); 'strict-dynamic' lets those load their chunks. Style attributes stay allowed:
 * React renders `style={…}` as attributes (progress bars), which cannot run script.
 */
export function contentSecurityPolicy(nonce: string, options: { dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    // React's development build evaluates code for its error overlay; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** Headers for every response, pages and API alike. */
export const staticSecurityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
];

/** The API answers JSON only: nothing in it may load or run anything. */
export const apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

/** Browsers remember to use https only for this site (sent when AC_PUBLIC_URL is https). */
export const strictTransportSecurity = "max-age=31536000";
