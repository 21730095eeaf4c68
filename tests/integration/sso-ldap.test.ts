// LDAP login against a real OpenLDAP (Debian's slapd, tools/sso-lab/slapd.ts), started once for
// this file: directory password check, group → role mapping with nested groups, refusals (wrong
// password, locked account, no mapped group, filter injection), the periodic re-check that takes
// away a role, and a directory that is down or hangs (docs/authentication.md, "LDAP").
import net from "node:net";
import { Attribute, Change } from "ldapts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@/tools/db/embedded";
import {
  groupDn,
  LAB_GROUP_BASE,
  LAB_SERVICE_DN,
  LAB_SERVICE_PASSWORD,
  LAB_USER_BASE,
  startSlapd,
  userDn,
  type Slapd,
} from "@/tools/sso-lab/slapd";
import { attemptLogin } from "@/server/auth/login";
import { LoginRefusedError } from "@/server/auth/login-refusal";
import { tokenActor, userActor } from "@/server/auth/session";
import { reloadConfig } from "@/server/config";
import { db } from "@/server/db";
import { createApiToken } from "@/server/users/api-tokens";
import { createUser, resetPassword, updateUser } from "@/server/users/users";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let slapd: Slapd;
let address = 0;
/** A fresh client address per attempt, so the login limits never get in the way of what is tested. */
const login = (name: string, password: string) =>
  attemptLogin(name, password, `10.1.${address >> 8}.${++address & 255}`);
const refusal = (name: string, password: string) =>
  login(name, password).then(
    () => "logged in or plain refusal",
    (error: unknown) => (error instanceof LoginRefusedError ? error.refusal : String(error)),
  );

function configureDirectory(overrides: Record<string, string> = {}) {
  delete process.env.AC_LDAP_STARTTLS;
  delete process.env.AC_LDAP_CA_FILE;
  Object.assign(process.env, {
    AC_LDAP_URL: slapd.url,
    AC_LDAP_BIND_DN: LAB_SERVICE_DN,
    AC_LDAP_BIND_PASSWORD: LAB_SERVICE_PASSWORD,
    AC_LDAP_USER_BASE: LAB_USER_BASE,
    AC_LDAP_GROUP_BASE: LAB_GROUP_BASE,
    // The documented OpenLDAP filter: a ppolicy-locked account is not found either.
    AC_LDAP_USER_FILTER: "(&(objectClass=inetOrgPerson)(uid={login})(!(pwdAccountLockedTime=*)))",
    AC_LDAP_NESTED_DEPTH: "3",
    AC_LDAP_TIMEOUT: "2",
    AC_SSO_ROLE_MAP: "ops-admins=admin,ops=operator,everyone=viewer",
    ...overrides,
  });
  reloadConfig();
}

/** Makes the user's next request run the periodic re-check, as if the interval had passed. */
const makeCheckDue = (id: number) =>
  db().user.update({ where: { id }, data: { ssoCheckedAt: new Date(Date.now() - 24 * 3600_000) } });

beforeAll(async () => {
  process.env.AUTH_SECRET = "sso-ldap-test-secret-sso-ldap-test-secret";
  slapd = await startSlapd(
    {
      users: [
        { uid: "alice", password: "alice-password-1", name: "Alice Admin" },
        { uid: "bob", password: "bob-password-1" },
        { uid: "carol", password: "carol-password-1" },
        { uid: "dave", password: "dave-password-1" },
        { uid: "mallory", password: "mallory-password-1", locked: true },
        { uid: "frank", password: "frank-directory-1" },
        { uid: "gina", password: "gina-directory-1" },
        { uid: "tina", password: "tina-password-1" },
        { uid: "ivan", password: "ivan-password-1" },
        { uid: "quinn", password: "quinn-password-1" },
        { uid: "rita", password: "rita-password-1" },
      ],
      groups: [
        { cn: "ops-admins", members: { users: ["alice"] } },
        { cn: "ops", members: { users: ["bob", "mallory", "tina"], groups: ["team-x"] } },
        { cn: "team-x", members: { users: ["carol"] } },
        { cn: "everyone", members: { users: ["alice", "bob", "carol", "frank", "gina", "ivan", "quinn", "rita"] } },
        { cn: "sales", members: { users: ["dave"] } },
      ],
    },
    { tls: true },
  );
  configureDirectory();
});

afterAll(async () => {
  await slapd?.stop();
});

describe("LDAP login", () => {
  it("logs a directory user in, creates the account and maps the highest group role", async () => {
    const user = await login("alice", "alice-password-1");
    expect(user).toMatchObject({ login: "alice", displayName: "Alice Admin" });
    const row = await db().user.findUniqueOrThrow({ where: { id: user!.id } });
    // Kept under the entry's entryUUID (RFC 4530), not its login or DN.
    expect(row).toMatchObject({
      source: "ldap",
      role: "admin",
      externalId: expect.stringMatching(UUID),
      ssoIssuer: slapd.url,
    });
    expect(row.ssoGroups.sort()).toEqual(["everyone", "ops-admins"]);
    expect(row.lastLoginAt).toBeInstanceOf(Date);
    // The second login finds the same account (in any letter case), not a new one.
    expect((await login("ALICE", "alice-password-1"))?.id).toBe(user!.id);
  });

  it("follows groups in groups: carol is in team-x, which is in ops", async () => {
    const user = await login("carol", "carol-password-1");
    const row = await db().user.findUniqueOrThrow({ where: { id: user!.id } });
    expect(row.role).toBe("operator");
    expect(row.ssoGroups.sort()).toEqual(["everyone", "ops"]);
  });

  it("gives no access, with its own message, to a user in no mapped group", async () => {
    expect(await refusal("dave", "dave-password-1")).toBe("no-role");
    expect(await db().user.count({ where: { login: "dave" } })).toBe(0);
  });

  it("refuses a wrong or empty password", async () => {
    expect(await login("bob", "not-bobs-password")).toBeNull();
    expect(await login("bob", "")).toBeNull();
    expect(await login("nobody-here", "whatever-password")).toBeNull();
  });

  it("refuses a locked account, found by the filter or not", async () => {
    expect(await login("mallory", "mallory-password-1")).toBeNull();
    // Without the lock clause in the filter, the directory itself refuses the bind (ppolicy).
    configureDirectory({ AC_LDAP_USER_FILTER: "(&(objectClass=inetOrgPerson)(uid={login}))" });
    try {
      expect(await login("mallory", "mallory-password-1")).toBeNull();
    } finally {
      configureDirectory();
    }
  });

  it("does not let filter syntax in the login match other entries", async () => {
    for (const name of ["*", "*)(uid=*", "alice)(|(uid=*", "*)(|(objectClass=*", "al*", "alice\\2a", "(uid=alice)"]) {
      expect(await login(name, "alice-password-1"), name).toBeNull();
    }
    expect(await db().user.count({ where: { source: "ldap", login: { not: "alice" }, role: "admin" } })).toBe(0);
  });

  it("never hands a local account's name to the directory, and refuses a directory user whose name is taken", async () => {
    await createUser({ login: "frank", password: "frank-local-password", role: "viewer" });
    expect(await login("frank", "frank-directory-1")).toBeNull();
    expect((await login("frank", "frank-local-password"))?.login).toBe("frank");
    await createUser({ login: "gina", password: "gina-local-password", role: "viewer" });
    // "GINA" is no local login, so the directory checks it; its account name "gina" is taken.
    expect(await refusal("GINA", "gina-directory-1")).toBe("login-taken");
    expect(await db().user.findUniqueOrThrow({ where: { login: "gina" } })).toMatchObject({ source: "local" });
  });

  it("refuses a login the directory would match under another spelling (fullwidth letters, spaces)", async () => {
    // LDAP matching folds compatibility characters and insignificant spaces (RFC 4518): "ｆｒａｎｋ"
    // finds uid=frank. Accepted, it would bypass "local wins" with a look-alike account, make one
    // more account per spelling of the same person, and get a fresh per-account login limit each.
    for (const name of ["\uff46\uff52\uff41\uff4e\uff4b", "\uff46rank", " frank", "frank\u200b", "fr\u00adank"]) {
      expect(await login(name, "frank-directory-1"), JSON.stringify(name)).toBeNull();
    }
    expect(await db().user.count({ where: { source: "ldap", login: { contains: "rank" } } })).toBe(0);
  });
});

describe("local accounts turned off (AC_LOCAL_LOGIN=false)", () => {
  it("refuse a local password, and still do not hand the local name to the directory", async () => {
    await createUser({ login: "hank", password: "hank-local-password", role: "admin" });
    configureDirectory({ AC_LOCAL_LOGIN: "false" });
    try {
      expect(await login("hank", "hank-local-password")).toBeNull();
      expect((await login("carol", "carol-password-1"))?.login).toBe("carol");
    } finally {
      delete process.env.AC_LOCAL_LOGIN;
      configureDirectory();
    }
  });
});

describe("TLS", () => {
  it("logs in over StartTLS and over ldaps://, verifying the server against the CA file", async () => {
    for (const settings of [
      { AC_LDAP_STARTTLS: "true", AC_LDAP_CA_FILE: slapd.caFile! } as Record<string, string>,
      { AC_LDAP_URL: slapd.ldapsUrl!, AC_LDAP_CA_FILE: slapd.caFile! },
    ]) {
      configureDirectory(settings);
      try {
        expect((await login("alice", "alice-password-1"))?.login).toBe("alice");
      } finally {
        configureDirectory();
      }
    }
  });

  it("refuses a certificate no trusted CA signed", async () => {
    configureDirectory({ AC_LDAP_STARTTLS: "true" }); // the system CAs only
    try {
      expect(await refusal("alice", "alice-password-1")).toBe("directory-unavailable");
    } finally {
      configureDirectory();
    }
  });
});

describe("SSO accounts in the admin's hands", () => {
  it("keep the role the mapping gives, and have no password to reset; disabling them still works", async () => {
    await createUser({ login: "break-glass", password: "break-glass-password", role: "admin" });
    const user = (await login("alice", "alice-password-1"))!;
    await expect(updateUser(user.id, { role: "viewer" })).rejects.toThrow(/comes from its directory groups/);
    await expect(resetPassword(user.id, "a-new-password-1")).rejects.toThrow(/no password in AC/);
    await updateUser(user.id, { disabled: true });
    expect(await userActor(user.id, user.sessionVersion)).toBeNull();
    expect(await refusal("alice", "alice-password-1")).toBe("account-disabled");
    await updateUser(user.id, { disabled: false });
  });
});

describe("the periodic re-check", () => {
  it("lowers the role of a user taken out of a group, and ends the session of one in no mapped group", async () => {
    const user = (await login("bob", "bob-password-1"))!;
    expect((await userActor(user.id, user.sessionVersion))?.role).toBe("operator");
    await slapd.asRoot((c) =>
      c.modify(
        groupDn("ops"),
        new Change({ operation: "delete", modification: new Attribute({ type: "member", values: [userDn("bob")] }) }),
      ),
    );
    // Not due yet: the stored role holds until the interval has passed.
    expect((await userActor(user.id, user.sessionVersion))?.role).toBe("operator");
    await makeCheckDue(user.id);
    expect((await userActor(user.id, user.sessionVersion))?.role).toBe("viewer");
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).ssoGroups).toEqual(["everyone"]);

    await slapd.asRoot((c) =>
      c.modify(
        groupDn("everyone"),
        new Change({ operation: "delete", modification: new Attribute({ type: "member", values: [userDn("bob")] }) }),
      ),
    );
    await makeCheckDue(user.id);
    expect(await userActor(user.id, user.sessionVersion)).toBeNull();
    // The session stays ended, and the next login says why.
    expect(await userActor(user.id, user.sessionVersion)).toBeNull();
    expect(await refusal("bob", "bob-password-1")).toBe("no-role");
  });

  it("stops the API tokens of a user who lost access, though they never log in again", async () => {
    const user = (await login("tina", "tina-password-1"))!;
    const { secret } = await createApiToken({ name: "tina's tool", role: "admin", ownerId: user.id });
    expect((await tokenActor(secret))?.role).toBe("operator"); // capped by the owner's mapped role
    await slapd.asRoot((c) =>
      c.modify(
        groupDn("ops"),
        new Change({ operation: "delete", modification: new Attribute({ type: "member", values: [userDn("tina")] }) }),
      ),
    );
    await makeCheckDue(user.id);
    expect(await tokenActor(secret)).toBeNull();
    // The check is done for this interval: the next uses must not fall back on the stored role.
    expect(await tokenActor(secret)).toBeNull();
    expect(await tokenActor(secret)).toBeNull();
  });

  it("keeps a token stopped after a failed check until access is granted again", async () => {
    const user = (await login("ivan", "ivan-password-1"))!;
    const { secret } = await createApiToken({ name: "ivan's tool", role: "viewer", ownerId: user.id });
    expect((await tokenActor(secret))?.role).toBe("viewer");
    configureDirectory({ AC_LDAP_URL: `ldap://127.0.0.1:${await freePort()}` });
    try {
      await makeCheckDue(user.id);
      expect(await tokenActor(secret)).toBeNull(); // fails closed
      expect(await tokenActor(secret)).toBeNull(); // and stays closed within the interval
    } finally {
      configureDirectory();
    }
    // The directory is back and ivan still in a mapped group: the next due check restores the token.
    await makeCheckDue(user.id);
    expect((await tokenActor(secret))?.role).toBe("viewer");
  });

  it("ends the session when the directory cannot be reached (fails closed)", async () => {
    const user = (await login("carol", "carol-password-1"))!;
    configureDirectory({ AC_LDAP_URL: `ldap://127.0.0.1:${await freePort()}` });
    try {
      await makeCheckDue(user.id);
      expect(await userActor(user.id, user.sessionVersion)).toBeNull();
    } finally {
      configureDirectory();
    }
  });
});

describe("accounts kept under the entry's lasting id", () => {
  it("does not give a reused login the old account, its tokens or its role", async () => {
    const before = (await login("quinn", "quinn-password-1"))!;
    const { secret } = await createApiToken({ name: "quinn's tool", role: "viewer", ownerId: before.id });
    // Quinn leaves; a new person gets the login (a new entry under the same DN, still in "everyone").
    await slapd.asRoot(async (c) => {
      await c.del(userDn("quinn"));
      await c.add(userDn("quinn"), {
        objectClass: "inetOrgPerson",
        uid: "quinn",
        cn: "Quinn the Second",
        sn: "quinn",
        userPassword: "quinn-new-person-1",
      });
    });
    expect(await refusal("quinn", "quinn-new-person-1")).toBe("login-taken");
    expect(await db().user.count({ where: { login: "quinn" } })).toBe(1);
    // The old account's re-check finds another entry under its login: no access, tokens included.
    await makeCheckDue(before.id);
    expect(await tokenActor(secret)).toBeNull();
    expect(await userActor(before.id, before.sessionVersion)).toBeNull();
  });

  it("takes over an account an older AC stored under the DN, then keeps it by the id", async () => {
    const old = await db().user.create({
      data: {
        login: "rita",
        source: "ldap",
        passwordHash: "",
        externalId: userDn("rita"),
        ssoIssuer: slapd.url,
        ssoGroups: ["everyone"],
      },
    });
    expect((await login("rita", "rita-password-1"))?.id).toBe(old.id);
    expect((await db().user.findUniqueOrThrow({ where: { id: old.id } })).externalId).toMatch(UUID);
    expect((await login("rita", "rita-password-1"))?.id).toBe(old.id);
  });

  it("refuses an entry without the id attribute with a clear message", async () => {
    configureDirectory({ AC_LDAP_ID_ATTRIBUTE: "employeeNumber" });
    try {
      expect(await refusal("dave", "dave-password-1")).toBe("no-directory-id");
    } finally {
      configureDirectory();
    }
  });
});

describe("a directory that is down", () => {
  it("refuses with a clear message when nothing listens", async () => {
    configureDirectory({ AC_LDAP_URL: `ldap://127.0.0.1:${await freePort()}` });
    try {
      expect(await refusal("alice", "alice-password-1")).toBe("directory-unavailable");
    } finally {
      configureDirectory();
    }
  });

  it("refuses with a clear message when the server accepts connections but never answers", async () => {
    const sockets = new Set<net.Socket>();
    const blackHole = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    const { port } = blackHole.address() as net.AddressInfo;
    configureDirectory({ AC_LDAP_URL: `ldap://127.0.0.1:${port}`, AC_LDAP_TIMEOUT: "1" });
    try {
      expect(await refusal("alice", "alice-password-1")).toBe("directory-unavailable");
    } finally {
      configureDirectory();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blackHole.close(resolve));
    }
  });
});
