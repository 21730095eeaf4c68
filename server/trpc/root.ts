// The API: one router per domain. `AppRouter` is the type internal tools import for a typed client.
import { alertsRouter } from "../routers/alerts";
import { applicationsRouter } from "../routers/applications";
import { auditRouter } from "../routers/audit";
import { eventsRouter } from "../routers/events";
import { haproxyRouter } from "../routers/haproxy";
import { historyRouter } from "../routers/history";
import { liveRouter } from "../routers/live";
import { catalogRouter, groupsRouter } from "../routers/groups";
import { serversRouter } from "../routers/servers";
import { statusMapRouter } from "../routers/status-map";
import { systemRouter } from "../routers/system";
import { tasksRouter } from "../routers/tasks";
import { apiTokensRouter, usersRouter } from "../routers/users";
import { versionsRouter } from "../routers/versions";
import { createCallerFactory, router } from "./init";

export const appRouter = router({
  system: systemRouter,
  users: usersRouter,
  apiTokens: apiTokensRouter,
  servers: serversRouter,
  applications: applicationsRouter,
  groups: groupsRouter,
  catalog: catalogRouter,
  versions: versionsRouter,
  events: eventsRouter,
  tasks: tasksRouter,
  haproxy: haproxyRouter,
  statusMap: statusMapRouter,
  audit: auditRouter,
  alerts: alertsRouter,
  live: liveRouter,
  history: historyRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
