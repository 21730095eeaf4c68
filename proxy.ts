// An optimistic check only: a page request without a session cookie goes to the login page
// with the page as callbackUrl, so the user lands back where they wanted. The real check is
// in app/(panel)/layout.tsx and in every tRPC procedure.
import { NextResponse, type NextRequest } from "next/server";

const sessionCookies = ["next-auth.session-token", "__Secure-next-auth.session-token"];

export function proxy(request: NextRequest) {
  if (sessionCookies.some((name) => request.cookies.has(name))) return NextResponse.next();
  const login = new URL("/login", request.url);
  login.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.redirect(login);
}

export const config = {
  // Everything but the login page, the API (which answers 401 itself) and static files.
  matcher: ["/((?!login|api/|_next/|favicon\\.ico).*)"],
};
