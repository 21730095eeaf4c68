// Text from outside (an agent's message, a reply's bytes) on one line of a log: control characters
// escaped as JSON writes them (\n, \u0000), and those JSON leaves alone but some log viewers break
// lines at (DEL, the C1 controls such as NEL, U+2028 and U+2029) as \uXXXX, so no such text can
// start a line of its own, such as a forged "[ac] login success …" in the server log operators
// read (docs/security.md). The task log's own lines use it too (server/tasks/log.ts).
const escape = (c: string) =>
  c < " " ? JSON.stringify(c).slice(1, -1) : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

export const oneLine = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, escape);
