// Prometheus scrape endpoint: bearer token AC_METRICS_TOKEN, no session (docs/metrics.md).
import { metricsResponse } from "@/server/metrics/endpoint";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = (request: Request) => metricsResponse(request);
