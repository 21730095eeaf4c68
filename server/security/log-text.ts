// Text from outside (an agent's message, a reply's bytes) on one line of a log: control characters
// escaped as JSON writes them (\n, \u0000; DEL, which JSON leaves alone, as \u007f), so no such
// text can start a line of its own, such as a forged "[ac] login success …" in the server log
// operators read (docs/security.md). The task log's own lines use it too (server/tasks/log.ts).
const escape = (c: string) => (c === "\u007f" ? "\\u007f" : JSON.stringify(c).slice(1, -1));

export const oneLine = (text: string): string => text.replace(/[\u0000-\u001f\u007f]/g, escape);
