// How a list page refreshes, as users.refresh_seconds stores it: 0 (the column's default) is Live
// (the page follows the change feed, docs/architecture.md "Change feed"), -1 is Off, and any other
// choice re-renders the page every that many seconds (the fallback where live updates cannot reach).
// Until the live pages, 0 meant Off: migration restore_refresh_off gave Off back where it could.
export const LIVE = 0;
export const OFF = -1;
export const refreshChoices = [LIVE, 5, 15, 30, 60, OFF] as const;
export type RefreshChoice = (typeof refreshChoices)[number];

/** What the API answers to any other value (server/routers/users.ts), and what the picker shows then. */
export const REFRESH_CHOICE_MESSAGE = "Refresh must be Live (0), Off (-1) or every 5, 15, 30 or 60 seconds";

export const isRefreshChoice = (value: unknown): value is RefreshChoice =>
  refreshChoices.some((choice) => choice === value);
