// Calls one HTTP request to /api/trpc may batch. The server refuses more (400), so one request
// cannot fan out into unbounded work or audit rows; the browser's and tools' httpBatchLink use
// the same number as maxItems so they never build a batch the server refuses (docs/api.md).
export const TRPC_MAX_BATCH = 20;
