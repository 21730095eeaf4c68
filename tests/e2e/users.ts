// The accounts tools/e2e-server.ts creates for the browser tests, one per role.
export const e2eUsers = {
  admin: { login: "e2e-admin", password: "admin-password-1" },
  operator: { login: "e2e-operator", password: "operator-password-1" },
  viewer: { login: "e2e-viewer", password: "viewer-password-1" },
} as const;

export type E2eRole = keyof typeof e2eUsers;

export const storageState = (role: E2eRole) => `test-results/.auth/${role}.json`;

/** The bearer token tools/e2e-server.ts sets as AC_METRICS_TOKEN (tests/e2e/metrics.spec.ts). */
export const e2eMetricsToken = "e2e-metrics-token-0123456789abcdef0123456789";
/** Accounts of the test OpenID Provider tools/e2e-server.ts starts (AC maps ops → operator). */
export const e2eSsoUsers = {
  operator: { login: "sso-operator", password: "sso-operator-password", groups: ["ops", "everyone"] },
  outsider: { login: "sso-outsider", password: "sso-outsider-password", groups: ["sales"] },
} as const;
