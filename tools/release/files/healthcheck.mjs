// Exits 0 when this host's AC answers GET /api/health with 200 (process and database up), else 1.
// The container image's HEALTHCHECK; usable by any monitor on the host. Node only, no curl.
const port = process.env.PORT || "3000";
try {
  const response = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(4000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
