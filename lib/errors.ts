// What a caught value says, for a log line, a stored reason or a form: an Error's message, or the
// value as text (a thrown string, say). Shared by server and client code; the client's forms add
// tRPC's field errors on top (components/mutation-error.ts).
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
