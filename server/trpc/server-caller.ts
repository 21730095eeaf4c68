// Server components call procedures directly, with the page request's session, no HTTP.
import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { requestMeta } from "../audit/request-meta";
import { currentActor } from "../auth/current-actor";
import { createContextInner } from "./context";
import { createCaller } from "./root";

/** One caller per request, sharing the request's one actor lookup (server/auth/current-actor.ts). */
export const api = cache(async () =>
  createCaller(createContextInner(await currentActor(), requestMeta(await headers()))),
);
