// The links a Node script needs to call AC with an API token, subscriptions included
// (docs/api.md, "Subscriptions"): httpBatchLink for queries and mutations, httpSubscriptionLink
// for subscriptions (server-sent events). Node 20 has no global EventSource, so undici's is used,
// with a dispatcher that adds the bearer header (an EventSource cannot set headers itself, and a
// token in the URL would end up in proxy logs), to AC's own origin only: never to where a
// redirect points.
import { httpBatchLink, httpSubscriptionLink, splitLink, type TRPCLink } from "@trpc/client";
import superjson from "superjson";
import { Agent, EventSource, type Dispatcher } from "undici";
import { TRPC_MAX_BATCH } from "../lib/trpc-limits";
import type { AppRouter } from "../server/trpc/root";

/** Adds the header to requests to `origin` only: a redirect elsewhere must not carry AC's token. */
function withHeader(origin: string, name: string, value: string): Dispatcher {
  return new Agent().compose((dispatch) => (options, handler) => {
    if (!options.origin || new URL(String(options.origin)).origin !== origin) return dispatch(options, handler);
    const headers = options.headers;
    const added = Array.isArray(headers)
      ? [...(headers as string[]), name, value]
      : { ...(headers as Record<string, string> | undefined), [name]: value };
    return dispatch({ ...options, headers: added }, handler);
  });
}

/** Links for createTRPCClient<AppRouter>: `baseUrl` like http://localhost:3000, `token` an API token. */
export function acLinks(baseUrl: string, token: string): TRPCLink<AppRouter>[] {
  const url = `${baseUrl}/api/trpc`;
  const authorization = `Bearer ${token}`;
  return [
    splitLink({
      condition: (op) => op.type === "subscription",
      true: httpSubscriptionLink({
        url,
        transformer: superjson,
        EventSource,
        eventSourceOptions: {
          node: { dispatcher: withHeader(new URL(baseUrl).origin, "authorization", authorization) },
        },
      }),
      false: httpBatchLink({ url, transformer: superjson, maxItems: TRPC_MAX_BATCH, headers: { authorization } }),
    }),
  ];
}
