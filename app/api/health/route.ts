// Unauthenticated liveness check for load balancers: the process answers and the database too.
// A failure says only "database unavailable" with an error id; the details go to the log.
import { logUnexpectedError } from "@/server/error-report";
import { db } from "@/server/db";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    await db().$queryRaw`SELECT 1`;
    return Response.json({ status: "ok" });
  } catch (error) {
    const errorId = logUnexpectedError("GET /api/health", error);
    return Response.json({ status: "error", error: "database unavailable", errorId }, { status: 503 });
  }
}
