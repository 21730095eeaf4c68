// A real OpenID Provider for tests: the certified `oidc-provider` package on a free 127.0.0.1 port,
// with one confidential client for AC (code flow, PKCE, refresh tokens), accounts with passwords
// and groups (the `groups` claim, in the ID token), and a minimal login page of its own. The
// accounts are a live map: change a user's groups or delete them and the next refresh says so.
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type Configuration } from "oidc-provider";

export type LabAccount = { password: string; name?: string; groups: string[] };

export type OidcLab = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** login → account; edit it to change what the next login or refresh sees. */
  accounts: Map<string, LabAccount>;
  stop(): Promise<void>;
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startOidcProvider(options: {
  redirectUris: string[];
  accounts: Record<string, LabAccount>;
  port?: number;
}): Promise<OidcLab> {
  const accounts = new Map(Object.entries(options.accounts));
  const clientId = "ac";
  const clientSecret = randomBytes(24).toString("hex");
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
      },
    ],
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined; // deleted: refresh grants fail from now on
      return {
        accountId: sub,
        claims: () => ({ sub, preferred_username: sub, name: account.name ?? sub, groups: [...account.groups] }),
      };
    },
    claims: { openid: ["sub"], profile: ["name", "preferred_username", "groups"] },
    // The claims of the granted scopes go into the ID token too, as Keycloak and Entra ID do for groups.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // A first-party client: no consent screen, and a refresh token without offline_access.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId,
      });
      grant.addOIDCScope("openid profile email");
      await grant.save();
      return grant;
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    cookies: { keys: [randomBytes(32).toString("hex")] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 300, IdToken: 300, RefreshToken: 3600 },
  };
  const provider = new Provider(issuer, configuration);
  const oidc = provider.callback();

  server.on("request", (req, res) => {
    const match = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(req.url ?? "");
    if (!match) return oidc(req, res);
    interaction(req, res, match[1]!).catch((error: unknown) => {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    });
  });

  async function interaction(req: http.IncomingMessage, res: http.ServerResponse, uid: string) {
    await provider.interactionDetails(req, res); // refuses an unknown or expired interaction
    if (req.method !== "POST") return loginPage(res, uid, "");
    const form = new URLSearchParams(await body(req));
    const login = form.get("login") ?? "";
    const account = accounts.get(login);
    if (!account || account.password !== form.get("password")) return loginPage(res, uid, "Invalid login or password");
    await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
  }

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function loginPage(res: http.ServerResponse, uid: string, error: string) {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(
    `<!doctype html><html><head><title>Test identity provider</title></head><body>
<h1>Test identity provider</h1>${error ? `<p role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${escapeHtml(uid)}">
<label>Username <input name="login" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form></body></html>`,
  );
}

async function body(req: http.IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 10_000) throw new Error("form too large");
  }
  return text;
}
