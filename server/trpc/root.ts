// The API: one router per domain. `AppRouter` is the type internal tools import for a typed client.
import { systemRouter } from "../routers/system";
import { apiTokensRouter, usersRouter } from "../routers/users";
import { createCallerFactory, router } from "./init";

export const appRouter = router({
  system: systemRouter,
  users: usersRouter,
  apiTokens: apiTokensRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
