// Runs before every page (Next.js 16's proxy): gives the page a fresh CSP nonce (Next.js reads it
// from the request's Content-Security-Policy header and puts it on its scripts), and sends a
// request without a session cookie to the login page with the page as callbackUrl. That redirect
// is an optimistic check only: the real one is in app/(panel)/layout.tsx and every tRPC procedure.
import { NextResponse, type NextRequest } from "next/server";
import { config as acConfig } from "./server/config";
import { contentSecurityPolicy, strictTransportSecurity } from "./server/http/security-headers";

const sessionCookies = ["next-auth.session-token", "__Secure-next-auth.session-token"];
const PUBLIC_PAGES = ["/login"];

export function proxy(request: NextRequest) {
  const https = acConfig().AC_PUBLIC_URL?.startsWith("https://") ?? false;
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(18))));
  const csp = contentSecurityPolicy(nonce, { dev: acConfig().NODE_ENV === "development", https });

  let response: NextResponse;
  const { pathname, search } = request.nextUrl;
  if (!PUBLIC_PAGES.includes(pathname) && !sessionCookies.some((name) => request.cookies.has(name))) {
    const login = new URL("/login", request.url);
    login.searchParams.set("callbackUrl", pathname + search);
    response = NextResponse.redirect(login);
  } else {
    const headers = new Headers(request.headers);
    headers.set("content-security-policy", csp);
    response = NextResponse.next({ request: { headers } });
  }
  response.headers.set("Content-Security-Policy", csp);
  if (https) response.headers.set("Strict-Transport-Security", strictTransportSecurity);
  return response;
}

export const config = {
  // Every page; not the API (JSON, its headers come from next.config.ts) nor static files.
  matcher: ["/((?!api/|_next/static|_next/image|favicon\\.ico).*)"],
};
