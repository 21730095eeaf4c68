// What a page can follow live (docs/architecture.md, "Change feed"): the kinds of change the
// writers announce. Shared by the server (which checks the reader's role per kind) and the pages
// (which name the kinds they show).
export const liveKinds = ["inventory", "haproxy", "tasks", "alerts"] as const;
export type LiveKind = (typeof liveKinds)[number];
