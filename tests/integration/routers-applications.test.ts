// The applications router: filters, keyset pagination, one instance with its effective
// settings, and admins' overrides. Real PostgreSQL, data written with Prisma.
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { COUNT_CAP, instanceSorts } from "@/server/inventory/queries/instance-list";
import { callers, errorOf, fieldErrors, makeGroup, makeInstance, makeServer, type Callers } from "./inventory-fixtures";

/** Inside PLAYBOOK_DIRS (its default, the repo's ansible/): paths outside are refused (tests/security/playbook-paths.test.ts). */
const PB = path.resolve("ansible");
let as: Callers;
const ids: Record<string, number> = {};

beforeAll(async () => {
  as = await callers();
  const servers = [
    await makeServer("srv-a"),
    await makeServer("srv-b"),
    await makeServer("srv-c", { status: "offline" }),
  ];
  const seen = [new Date("2026-01-01T10:00:00Z"), new Date("2026-01-02T10:00:00Z"), null];
  let k = 0;
  // The same names on every server and few distinct versions, times and statuses: many ties.
  for (const server of servers) {
    for (const group of ["alpha", "bravo"]) {
      for (let n = 1; n <= 5; n++, k++) {
        const row = await makeInstance(server.id, group, n, {
          status: (["online", "offline", "online", "starting"] as const)[k % 4],
          version: k % 3 === 0 ? null : `1.${k % 2}`,
          tag: k % 3 === 0 ? (k % 2 ? "2.0" : null) : null,
          image: group === "alpha" ? "registry.local/Alpha-Image" : "registry.local/bravo",
          lastSeen: seen[k % 3],
          appType: n === 5 ? "service" : "docker",
        });
        ids[`${server.name}/${row.instanceName}`] = row.id;
      }
    }
  }
  await makeInstance(servers[0]!.id, "odd%name", 1, { version: "9.9" });
});

async function walk(input: Parameters<Callers["viewer"]["applications"]["list"]>[0]) {
  const pages: number[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await as.viewer.applications.list({ ...input, cursor });
    pages.push(page.items.map((item) => item.id));
    if (!page.nextCursor) return pages;
    cursor = page.nextCursor;
  }
  throw new Error("pagination did not end");
}

describe("applications.list: keyset pagination", () => {
  for (const sort of instanceSorts) {
    for (const dir of ["asc", "desc"] as const) {
      it(`sort ${sort} ${dir}: pages of 7 add up to the whole list, no duplicates, no gaps`, async () => {
        const all = await as.viewer.applications.list({ sort, dir, limit: 200 });
        expect(all.nextCursor).toBeNull();
        const pages = await walk({ sort, dir, limit: 7 });
        const walked = pages.flat();
        expect(new Set(walked).size).toBe(walked.length);
        expect(walked).toEqual(all.items.map((item) => item.id));
        expect(walked).toHaveLength(all.total);
        expect(pages.slice(0, -1).every((page) => page.length === 7)).toBe(true);
      });
    }
  }

  it("ties are broken by the instance name, then the id, in the same order on every call", async () => {
    const byStatus = (await as.viewer.applications.list({ sort: "status", limit: 200 })).items;
    const key = (i: (typeof byStatus)[number]) => [i.status, i.instanceName, i.id] as const;
    for (let n = 1; n < byStatus.length; n++) {
      const [a, b] = [key(byStatus[n - 1]!), key(byStatus[n]!)];
      if (a[0] === b[0] && a[1] === b[1]) expect(a[2]).toBeLessThan(b[2]);
    }
    const bySeen = (await as.viewer.applications.list({ sort: "lastSeen", dir: "desc", limit: 200 })).items;
    const times = bySeen.map((i) => i.lastSeen?.getTime() ?? -Infinity);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(bySeen.at(-1)!.lastSeen).toBeNull(); // never seen is the oldest
  });

  it("prevCursor walks back to exactly the page before", async () => {
    const first = await as.viewer.applications.list({ sort: "version", limit: 6 });
    expect(first.prevCursor).toBeNull();
    const second = await as.viewer.applications.list({ sort: "version", limit: 6, cursor: first.nextCursor! });
    const third = await as.viewer.applications.list({ sort: "version", limit: 6, cursor: second.nextCursor! });
    const backToSecond = await as.viewer.applications.list({ sort: "version", limit: 6, cursor: third.prevCursor! });
    expect(backToSecond.items.map((i) => i.id)).toEqual(second.items.map((i) => i.id));
    const backToFirst = await as.viewer.applications.list({
      sort: "version",
      limit: 6,
      cursor: backToSecond.prevCursor!,
    });
    expect(backToFirst.items.map((i) => i.id)).toEqual(first.items.map((i) => i.id));
    expect(backToFirst.prevCursor).toBeNull();
  });

  it("a cursor from another sort order, or a made-up one, is a BAD_REQUEST that says what to do", async () => {
    const page = await as.viewer.applications.list({ sort: "name", limit: 5 });
    const wrongSort = await errorOf(
      as.viewer.applications.list({ sort: "server", limit: 5, cursor: page.nextCursor! }),
    );
    expect(wrongSort.code).toBe("BAD_REQUEST");
    expect(wrongSort.message).toMatch(/first page/);
    expect((await errorOf(as.viewer.applications.list({ cursor: "garbage" }))).code).toBe("BAD_REQUEST");
  });

  it("a hand-edited key its column's type cannot take is a BAD_REQUEST, not a database error", async () => {
    const edited = (sort: string, dir: string, keys: string[]) =>
      Buffer.from(JSON.stringify({ sort, dir, before: false, keys })).toString("base64url");
    const page = await as.viewer.applications.list({ sort: "lastSeen", dir: "desc", limit: 2 });
    const [when, id] = JSON.parse(Buffer.from(page.nextCursor!, "base64url").toString()).keys as string[];
    // The real cursor works; each key made unparseable for its type is refused before the query.
    await as.viewer.applications.list({ sort: "lastSeen", dir: "desc", cursor: page.nextCursor! });
    for (const keys of [
      [when!, "1x"],
      [when!, "99999999999"],
      ["2026-02-30 00:00:00", id!],
      ["0000-06-01 00:00:00", id!],
      ["yesterday", id!],
    ]) {
      const error = await errorOf(
        as.viewer.applications.list({ sort: "lastSeen", dir: "desc", cursor: edited("lastSeen", "desc", keys) }),
      );
      expect(error.code, keys.join(",")).toBe("BAD_REQUEST");
    }
    const status = await errorOf(
      as.viewer.applications.list({ sort: "status", cursor: edited("status", "asc", ["asleep", "a", "b", "1"]) }),
    );
    expect(status.code).toBe("BAD_REQUEST");
  });
});

describe("applications.list: filters", () => {
  const names = async (input: Parameters<Callers["viewer"]["applications"]["list"]>[0]) =>
    (await as.viewer.applications.list({ limit: 200, ...input })).items.map(
      (i) => `${i.server.name}/${i.instanceName}`,
    );

  it("filters by server, group, catalog, type and status, and they combine", async () => {
    const srvB = await db().server.findUniqueOrThrow({ where: { name: "srv-b" } });
    const bravo = await makeGroup("bravo");
    expect(await names({ serverId: srvB.id })).toHaveLength(10);
    expect((await names({ groupId: bravo.id })).every((n) => n.includes("/bravo_"))).toBe(true);
    expect(await names({ catalogId: bravo.catalogId! })).toHaveLength(15);
    expect(await names({ appType: "service" })).toHaveLength(6);
    const offlineOnB = await names({ serverId: srvB.id, status: "offline" });
    expect(offlineOnB.length).toBeGreaterThan(0);
    for (const name of offlineOnB) expect(name.startsWith("srv-b/")).toBe(true);
    const total = (await as.viewer.applications.list({ serverId: srvB.id, status: "offline" })).total;
    expect(total).toBe(offlineOnB.length);
  });

  it("searches instance name, image, version and tag, ignoring case; % is a literal character", async () => {
    expect(await names({ q: "ALPHA-image" })).toHaveLength(15);
    expect(await names({ q: "bravo_3" })).toHaveLength(3);
    expect(await names({ q: "9.9" })).toEqual(["srv-a/odd%name_1"]);
    expect(await names({ q: "2.0" })).not.toHaveLength(0);
    expect(await names({ q: "%" })).toEqual(["srv-a/odd%name_1"]);
    expect(await names({ q: "nothing-like-this" })).toEqual([]);
  });

  it("rejects bad input with field errors", async () => {
    const errors = await fieldErrors(
      as.viewer.applications.list({ limit: 500, status: "sleeping" as never, sort: "colour" as never }),
    );
    expect(errors.limit).toEqual(["at most 200 rows a page"]);
    expect(errors.status?.[0]).toMatch(/must be one of online, offline/);
    expect(errors.sort?.[0]).toMatch(/must be one of name, server/);
  });
});

describe("applications.get and updateSettings", () => {
  it("returns every field, the current version and effective settings with their source", async () => {
    const id = ids["srv-a/alpha_2"]!;
    const instance = await as.viewer.applications.get({ id });
    expect(instance).toMatchObject({
      id,
      instanceName: "alpha_2",
      server: { name: "srv-a" },
      group: { name: "alpha" },
    });
    expect(instance.currentVersion).toBe(instance.version ?? instance.tag);
    expect(instance.effective.playbookPath).toEqual({ value: `${PB}/update-app.example.yml`, source: "default" });
    expect(instance.effective.artifactUrl).toEqual({ value: null, source: "none" });
  });

  it("never returns the credentials an agent's eureka_url carries (the instance page shows this)", async () => {
    const id = ids["srv-a/alpha_2"]!;
    await db().applicationInstance.update({
      where: { id },
      data: { eurekaUrl: "http://eureka:s3cret-pw@registry.local:8761/eureka/", eurekaRegistered: true },
    });
    const instance = await as.viewer.applications.get({ id });
    expect(instance.eurekaUrl).toBe("http://eureka:***@registry.local:8761/eureka/");
    expect(JSON.stringify(instance)).not.toContain("s3cret-pw");
  });

  it("the playbook's source follows edits: catalog, then group, then the instance's own, then back", async () => {
    const id = ids["srv-b/bravo_1"]!;
    const group = await makeGroup("bravo");
    await as.admin.catalog.updateSettings({ id: group.catalogId!, defaultPlaybookPath: `${PB}/catalog.yml` });
    expect((await as.viewer.applications.get({ id })).effective.playbookPath).toEqual({
      value: `${PB}/catalog.yml`,
      source: "catalog",
    });

    await as.admin.groups.updateSettings({
      id: group.id,
      updatePlaybookPath: `${PB}/group.yml`,
      artifactListUrl: "https://repo.local/bravo/",
    });
    const afterGroup = await as.viewer.applications.get({ id });
    expect(afterGroup.effective.playbookPath).toEqual({ value: `${PB}/group.yml`, source: "group" });
    expect(afterGroup.effective.artifactUrl).toEqual({ value: "https://repo.local/bravo/", source: "group" });

    const own = await as.admin.applications.updateSettings({
      id,
      customPlaybookPath: `${PB}/own.yml`,
      customArtifactExtension: "tar.gz",
    });
    expect(own.effective.playbookPath).toEqual({ value: `${PB}/own.yml`, source: "instance" });
    expect(own.effective.artifactExtension).toEqual({ value: "tar.gz", source: "instance" });

    const cleared = await as.admin.applications.updateSettings({ id, customPlaybookPath: "" });
    expect(cleared.customPlaybookPath).toBeNull();
    expect(cleared.customArtifactExtension).toBe("tar.gz"); // absent = unchanged
    expect(cleared.effective.playbookPath.source).toBe("group");
  });

  it("unknown instance: NOT_FOUND with a readable message", async () => {
    const error = await errorOf(as.viewer.applications.get({ id: 999_999 }));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toBe("Application instance not found");
    expect(
      (await errorOf(as.admin.applications.updateSettings({ id: 999_999, customPlaybookPath: `${PB}/a.yml` }))).code,
    ).toBe("NOT_FOUND");
  });

  it("only admins edit settings: viewer and operator FORBIDDEN, nobody UNAUTHORIZED; a viewer token reads", async () => {
    const id = ids["srv-a/alpha_1"]!;
    expect((await errorOf(as.viewer.applications.updateSettings({ id, customPlaybookPath: "/x.yml" }))).code).toBe(
      "FORBIDDEN",
    );
    expect((await errorOf(as.operator.applications.updateSettings({ id, customPlaybookPath: "/x.yml" }))).code).toBe(
      "FORBIDDEN",
    );
    expect((await errorOf(as.anonymous.applications.list({}))).code).toBe("UNAUTHORIZED");
    expect((await as.token.applications.list({ limit: 1 })).items).toHaveLength(1);
  });

  it("invalid settings are BAD_REQUEST with a message per field", async () => {
    const id = ids["srv-a/alpha_1"]!;
    const errors = await fieldErrors(
      as.admin.applications.updateSettings({
        id,
        customPlaybookPath: "relative.yml",
        customArtifactUrl: "ftp://x",
        customArtifactExtension: "a b",
      }),
    );
    expect(errors.customPlaybookPath?.[0]).toMatch(/absolute path/);
    expect(errors.customArtifactUrl).toEqual(["must be an http:// or https:// URL"]);
    expect(errors.customArtifactExtension?.[0]).toMatch(/letters and digits/);
  });
});

describe("applications.list: the total", () => {
  it("counts up to COUNT_CAP and then says there are more", async () => {
    expect(await as.viewer.applications.list({ q: "alpha" })).toMatchObject({ total: 15, totalCapped: false });
    const big = await makeServer("srv-many");
    const group = await makeGroup("many");
    await db().applicationInstance.createMany({
      data: Array.from({ length: COUNT_CAP + 1 }, (_, n) => ({
        serverId: big.id,
        groupId: group.id,
        instanceName: `many_${n + 1}`,
        instanceNumber: n + 1,
        appType: "docker" as const,
      })),
    });
    const page = await as.viewer.applications.list({ groupId: group.id, limit: 10 });
    expect(page).toMatchObject({ total: COUNT_CAP, totalCapped: true });
    expect(page.items).toHaveLength(10);
    const exact = await as.viewer.applications.list({ groupId: group.id, q: "many_10" }); // many_10, many_100..109, many_1000, many_1001
    expect(exact).toMatchObject({ total: 13, totalCapped: false });
  });
});
