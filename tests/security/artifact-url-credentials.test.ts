// An artifact URL is an admin's setting that may carry the repository's credentials, and
// repository credentials that can upload let their holder plant what AC's playbooks install as
// root. Only the artifact list's own read (tasks.versions) starred them; the same URL reached any
// viewer raw through catalog entries, group settings, an instance's effective settings and every
// task's plan. docs/security.md, "Settings that hold credentials".
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/server/db";
import { groupSettingsInput } from "@/server/inventory/settings-edits";
import { starUrlSecrets } from "@/server/security/reader-urls";
import { createCaller } from "@/server/trpc/root";
import { createContextInner } from "@/server/trpc/context";
import { callers, makeGroup, makeInstance, makeServer, type Callers } from "../integration/inventory-fixtures";

// The task stays pending: what it stores is what is read here.
vi.hoisted(() => {
  process.env.TASK_RUNNER_ENABLED = "false";
});

const GROUP_URL = "https://deploy:group-pw-1@127.0.0.1:9/shop/";
const CATALOG_URL = "https://127.0.0.1:9/api/v4/shop/?private_token=glpat-catalog-secret-2";
const INSTANCE_URL = "https://ghp_instanceToken0123456789abcd@127.0.0.1:9/own/";
const SECRETS = ["group-pw-1", "glpat-catalog-secret-2", "ghp_instanceToken0123456789abcd"];

let as: Callers;
const ids = { catalog: 0, group: 0, plain: 0, own: 0, task: "" };

beforeAll(async () => {
  as = await callers();
  const server = await makeServer("srv-cred");
  const group = await makeGroup("shop", { artifactListUrl: GROUP_URL });
  await db().applicationCatalog.update({ where: { id: group.catalogId! }, data: { defaultArtifactUrl: CATALOG_URL } });
  ids.catalog = group.catalogId!;
  ids.group = group.id;
  ids.plain = (await makeInstance(server.id, "shop", 1, { version: "1.0.0" })).id;
  ids.own = (await makeInstance(server.id, "shop", 2, { version: "1.0.0", customArtifactUrl: INSTANCE_URL })).id;
  ids.task = (await as.operator.tasks.start({ groupId: group.id, targetVersion: "2.0.0" })).id;
});

/** The first event of a task's live stream, as the task page reads it. */
async function firstFollowEvent(caller: Callers["viewer"]) {
  const stream = (await caller.tasks.follow({ id: ids.task })) as AsyncIterable<unknown>;
  for await (const event of stream) return event;
}

/** Everything a caller can read that holds an artifact URL. */
async function everyRead(caller: Callers["viewer"]) {
  return [
    await caller.catalog.list({}),
    await caller.catalog.get({ id: ids.catalog }),
    await caller.groups.get({ id: ids.group }),
    await caller.applications.get({ id: ids.plain }),
    await caller.applications.get({ id: ids.own }),
    await caller.tasks.list({}),
    await caller.tasks.get({ id: ids.task }),
    await caller.tasks.log({ id: ids.task }),
    await firstFollowEvent(caller),
    // The list itself cannot be read here (nothing listens on 127.0.0.1:9): its URL still comes back with the reason.
    await caller.tasks.versions({ groupId: ids.group }),
  ];
}

describe("artifact URLs with credentials", () => {
  it("reach viewers, tokens and operators only starred, wherever they appear", async () => {
    for (const caller of [as.viewer, as.token, as.operator]) {
      const text = JSON.stringify(await everyRead(caller));
      for (const secret of SECRETS) expect(text).not.toContain(secret);
      // Still readable: where the artifacts come from.
      expect(text).toContain("https://deploy:***@127.0.0.1:9/shop/");
      expect(text).toContain("private_token=***");
      expect(text).toContain("https://***@127.0.0.1:9/own/");
    }
    // An operator's preview of an update shows the plan's URLs the same way.
    const plan = JSON.stringify(await as.operator.tasks.preview({ groupId: ids.group, targetVersion: "2.0.0" }));
    for (const secret of SECRETS) expect(plan).not.toContain(secret);
  });

  it("reach admins, who set them and edit them in forms, as stored", async () => {
    const group = await as.admin.groups.get({ id: ids.group });
    expect(group.artifactListUrl).toBe(GROUP_URL);
    expect((await as.admin.applications.get({ id: ids.own })).effective.artifactUrl.value).toBe(INSTANCE_URL);
    expect(JSON.stringify(await as.admin.tasks.get({ id: ids.task }))).toContain(GROUP_URL);
  });

  it("keeps a URL without credentials exactly as written", () => {
    for (const url of ["https://127.0.0.1:9/a%20b/{x}/?v=1+2", "http://files.example/shop/", "not a url"])
      expect(starUrlSecrets(url)).toBe(url);
    // Inside a text (an error naming the URL), and idempotent over what redact.ts already starred.
    expect(starUrlSecrets("GET https://u:pw@h/x?token=t failed\nnext")).toBe(
      "GET https://u:***@h/x?token=*** failed\nnext",
    );
    expect(starUrlSecrets("https://h/x?pw=a&pwd=b&jwt=c&sessionid=d&page=2")).toBe(
      "https://h/x?pw=***&pwd=***&jwt=***&sessionid=***&page=2",
    );
    for (const done of [
      "https://deploy:[redacted]@repo.internal/ with api_key=[redacted]",
      "http://e:***@r:8761/eureka/",
    ])
      expect(starUrlSecrets(done)).toBe(done);
  });

  it("stars a password holding quotes or <>, which the URL parser (and so the settings form) accepts", () => {
    for (const password of [`pa'ss-9`, `pa"ss-9`, "p<a>ss-9"]) {
      const shown = starUrlSecrets(`GET https://deploy:${password}@nexus.internal/shop/ failed`);
      expect(shown).toBe("GET https://deploy:***@nexus.internal/shop/ failed");
    }
    expect(starUrlSecrets("https://to'ken-9@github.com/x")).toBe("https://***@github.com/x");
    // A match that does not parse as a URL still loses its password.
    expect(starUrlSecrets("https://deploy:pw-9@h:99999/x")).toBe("https://deploy:***@h:99999/x");
  });

  it("refuses an artifact URL with a space, which no reader's redaction could find whole", async () => {
    const result = await groupSettingsInput.safeParseAsync({ id: 1, artifactListUrl: "https://deploy:p ss@nexus/x" });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain("no spaces");
  });

  it("reach an admin's operator-role token starred in the admin's own audit rows (a settings edit's before/after)", async () => {
    // Kinds of secret the stored audit text's redaction (redact.ts) lets through.
    const edited = "https://tok3n-audit-4@127.0.0.1:9/shop/?X-Amz-Signature=sig-audit-5";
    await as.admin.groups.updateSettings({ id: ids.group, artifactListUrl: edited });
    const admin = await db().user.findUniqueOrThrow({ where: { login: "test-admin" } });
    const token = createCaller(
      createContextInner({ kind: "token", id: 2, name: "admin-ci", role: "operator", ownerId: admin.id }),
    );
    const reads = JSON.stringify([
      await token.audit.list({}),
      await token.audit.forTarget({ targetType: "group", targetId: String(ids.group) }),
    ]);
    expect(reads).toContain("https://***@127.0.0.1:9/shop/?X-Amz-Signature=***");
    for (const secret of ["tok3n-audit-4", "sig-audit-5"]) expect(reads).not.toContain(secret);
    // The admin still reads its rows as stored.
    expect(JSON.stringify(await as.admin.audit.list({}))).toContain("sig-audit-5");
    await as.admin.groups.updateSettings({ id: ids.group, artifactListUrl: GROUP_URL });
  });
});
