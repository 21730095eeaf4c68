// How a list page refreshes, as users.refresh_seconds stores it: 0 (the column's default) is Live
// (the page follows the change feed, docs/architecture.md "Change feed"), -1 is Off, and any other
// choice re-renders the page every that many seconds (the fallback where live updates cannot reach).
export const LIVE = 0;
export const OFF = -1;
export const refreshChoices = [LIVE, 5, 15, 30, 60, OFF] as const;
export type RefreshChoice = (typeof refreshChoices)[number];
