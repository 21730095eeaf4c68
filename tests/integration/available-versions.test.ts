// A group's available versions from each list format, served by tools/artifact-fixtures on
// 127.0.66.1; the tags_cache rules: used while fresh, read again when old or on demand, and a
// failed read keeps the last good list with its reason.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { availableVersions } from "@/server/artifacts/available-versions";
import { db } from "@/server/db";
import { resetDatabase } from "@/tests/setup/db-helpers";
import { startArtifactFixtures, type ArtifactFixtures } from "@/tools/artifact-fixtures";

let fixtures: ArtifactFixtures;
const versions = ["1.9.0", "1.10.0", "1.10.0-rc.1", "2.0.0", "1.2.3"];
const newestFirst = ["2.0.0", "1.10.0", "1.10.0-rc.1", "1.9.0", "1.2.3"];

beforeAll(async () => {
  fixtures = await startArtifactFixtures({ host: "127.0.66.1", lists: { shop: versions }, extension: ".tar.gz" });
});
afterAll(() => fixtures.stop());
beforeEach(async () => {
  await resetDatabase();
  fixtures.setVersions("shop", versions);
  fixtures.hits.clear();
});

const group = (artifactListUrl: string | null, artifactExtension: string | null = null) =>
  db().applicationGroup.create({
    data: { name: `g${Math.random().toString(36).slice(2, 8)}`, artifactListUrl, artifactExtension },
  });

describe("available versions", () => {
  it.each([
    ["docker-registry", "/v2/shop/tags/list", null],
    ["maven-metadata", "/maven/shop/maven-metadata.xml", null],
    ["json-array", "/json/shop.json", null],
    ["html-index", "/files/shop/", ".tar.gz"],
  ])("reads a %s list, newest first", async (format, path, ext) => {
    const g = await group(`${fixtures.url}${path}`, ext);
    const result = await availableVersions(g.id);
    expect(result).toMatchObject({ format, versions: newestFirst, error: null });
    const stored = await db().applicationGroup.findUniqueOrThrow({ where: { id: g.id } });
    expect(stored.tagsCache).toMatchObject({ format, versions: newestFirst });
    expect(stored.tagsCacheUpdatedAt).not.toBeNull();
  });

  it("shows viewers the list URL and its errors with the credentials starred", async () => {
    const withCredentials = fixtures.url.replace("http://", "http://deploy:s3cret-pw@");
    const g = await group(`${withCredentials}/no-such-list.json`);
    const result = await availableVersions(g.id);
    expect(result.error).toMatch(/404/);
    expect(JSON.stringify(result)).not.toContain("s3cret-pw");
    expect(result.url).toContain("deploy:***@");
  });

  it("follows a registry's paginated tags list", async () => {
    const g = await group(`${fixtures.url}/v2/shop/tags/list?n=2`);
    expect((await availableVersions(g.id)).versions).toEqual(newestFirst);
    expect(fixtures.hits.get("/v2/shop/tags/list")).toBe(3);
  });

  it("uses the cache while it is fresh, and reads again on demand or once it is old", async () => {
    const g = await group(`${fixtures.url}/json/shop.json`);
    await availableVersions(g.id);
    fixtures.setVersions("shop", [...versions, "3.0.0"]);
    expect((await availableVersions(g.id)).versions[0]).toBe("2.0.0");
    expect(fixtures.hits.get("/json/shop.json")).toBe(1);
    expect((await availableVersions(g.id, { refresh: true })).versions[0]).toBe("3.0.0");
    fixtures.setVersions("shop", ["4.0.0"]);
    await db().applicationGroup.update({
      where: { id: g.id },
      data: { tagsCacheUpdatedAt: new Date(Date.now() - 3_600_000) },
    });
    expect((await availableVersions(g.id)).versions).toEqual(["4.0.0"]); // older than TAGS_CACHE_MAX_AGE (600 s)
  });

  it("keeps the last good list when a read fails, and says why", async () => {
    const g = await group(`${fixtures.url}/json/shop.json`);
    await availableVersions(g.id);
    await fixtures.stop();
    try {
      const failed = await availableVersions(g.id, { refresh: true });
      expect(failed.versions).toEqual(newestFirst);
      expect(failed.error).toMatch(/cannot be read: .*ECONNREFUSED/);
      expect(failed.updatedAt).not.toBeNull();
    } finally {
      fixtures = await startArtifactFixtures({
        host: "127.0.66.1",
        port: Number(new URL(fixtures.url).port),
        lists: { shop: versions },
      });
    }
    expect((await availableVersions(g.id, { refresh: true })).error).toBeNull(); // a good read clears the reason
  });

  it("does not show another URL's list: a changed URL that fails shows no versions, with the reason", async () => {
    const g = await group(`${fixtures.url}/json/shop.json`);
    await availableVersions(g.id);
    await db().applicationGroup.update({
      where: { id: g.id },
      data: { artifactListUrl: `${fixtures.url}/status/503` },
    });
    expect(await availableVersions(g.id)).toMatchObject({
      versions: [],
      error: expect.stringMatching(/answered HTTP 503/),
    });
  });

  it("reports an unreadable list and a group without a list plainly", async () => {
    const bad = await group(`${fixtures.url}/files/shop/`, ".zip");
    expect(await availableVersions(bad.id)).toMatchObject({ format: "html-index", versions: [], error: null });
    const none = await group(null);
    expect(await availableVersions(none.id)).toMatchObject({ url: null, versions: [], error: null });
    await expect(availableVersions(999_999)).rejects.toThrow(/not found/);
  });
});
