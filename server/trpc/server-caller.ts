// Server components call procedures directly, with the page request's session, no HTTP.
import "server-only";
import { cache } from "react";
import { createSessionContext } from "./context";
import { createCaller } from "./root";

/** One caller per request (React's cache dedupes the session lookup). */
export const api = cache(async () => createCaller(await createSessionContext()));
