import NextAuth from "next-auth";
import { guardedAuthRoute } from "@/server/auth/auth-route";
import { authOptions } from "@/server/auth/next-auth";

// Behind AC's guard: no `_log`, bounded bodies (server/auth/auth-route.ts).
const handler = guardedAuthRoute(NextAuth(authOptions));

export { handler as GET, handler as POST };
