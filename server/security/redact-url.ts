// Passwords in URLs never reach a log line, an error message or a page (docs/operations.md,
// "Errors and logs"). For logs and errors, where the URL should stay readable; task text that
// viewers read goes through redact.ts, which also covers tokens and password=… pairs. Works on
// any text, also on URLs that do not parse: the user info runs from "scheme://" to the last "@"
// before whitespace, so a password holding "@" or "/" is hidden whole.
const urlCredentials = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)([^\s:@/]{0,256}):[^\s]{0,1024}@/gi;

/** `postgresql://ac:s3cret@db/ac` → `postgresql://ac:***@db/ac`; other text unchanged. */
export const redactUrlCredentials = (text: string): string => text.replace(urlCredentials, "$1$2:***@");
