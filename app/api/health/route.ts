// Unauthenticated liveness check for load balancers: the process answers and the database too.
import { db } from "@/server/db";
import { errorMessage } from "@/lib/errors";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    await db().$queryRaw`SELECT 1`;
    return Response.json({ status: "ok" });
  } catch (error) {
    const message = errorMessage(error);
    return Response.json({ status: "error", error: `database: ${message}` }, { status: 503 });
  }
}
