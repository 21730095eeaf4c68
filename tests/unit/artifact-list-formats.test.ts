import { describe, expect, it } from "vitest";
import { ArtifactListError, parseVersionList, versionFromFileName } from "@/server/artifacts/list-formats";

describe("artifact list formats", () => {
  it("reads a Docker Registry v2 tags list", () => {
    expect(parseVersionList('{"name":"shop/api","tags":["1.0","1.1","latest"]}', null)).toEqual({
      format: "docker-registry",
      versions: ["1.0", "1.1", "latest"],
    });
    expect(parseVersionList('{"name":"empty","tags":null}', null)).toEqual({ format: "docker-registry", versions: [] });
  });

  it("reads the versions of a maven-metadata.xml, not its latest/release fields", () => {
    const xml = `<?xml version="1.0"?><metadata><groupId>g</groupId><artifactId>a</artifactId><versioning>
      <latest>9.9</latest><release>9.9</release><versions><version>1.0</version>
      <version> 1.1-SNAPSHOT </version><version>a&amp;b</version></versions></versioning></metadata>`;
    expect(parseVersionList(xml, null)).toEqual({ format: "maven-metadata", versions: ["1.0", "1.1-SNAPSHOT", "a&b"] });
  });

  it("reads a JSON array of strings or of objects naming the version", () => {
    expect(parseVersionList('["1.0", "2.0"]', null)).toEqual({ format: "json-array", versions: ["1.0", "2.0"] });
    expect(parseVersionList('[{"version":"1.0"},{"tag":"2.0"},{"name":"3.0"},{"other":1},7]', null).versions).toEqual([
      "1.0",
      "2.0",
      "3.0",
    ]);
  });

  it("reads an HTML index: files with the extension give versions, everything else is ignored", () => {
    const html = `<html><body><pre><a href="?C=N;O=D">Name</a> <a href="../">../</a>
      <a href="shop-1.0.0.tar.gz">shop-1.0.0.tar.gz</a> <a href="shop-1.0.0.tar.gz.sha256">x</a>
      <a href='/files/shop/shop-1.1.0-rc1.tar.gz'>y</a> <a href="shop-2.0.0.zip">z</a>
      <a href="https://elsewhere.example/shop-9.9.9.tar.gz">far</a> <a href="notes.tar.gz">notes</a></pre></body></html>`;
    expect(parseVersionList(html, ".tar.gz")).toEqual({ format: "html-index", versions: ["1.0.0", "1.1.0-rc1"] });
    expect(parseVersionList(html, "zip").versions).toEqual(["2.0.0"]);
  });

  it("reads an HTML index of version folders when no extension is set", () => {
    const html = `<html><a href="../">..</a><a href="1.0.0/">1.0.0/</a><a href="v2.1/">v2.1/</a><a href="tmp/">tmp/</a><a href="x-1.0.jar">f</a></html>`;
    expect(parseVersionList(html, null).versions).toEqual(["1.0.0", "v2.1"]);
  });

  it("takes the version from a file name after the first -digit", () => {
    expect(versionFromFileName("billing-api-2.0.0-rc1")).toBe("2.0.0-rc1");
    expect(versionFromFileName("app2_v1.4")).toBe("v1.4");
    expect(versionFromFileName("readme")).toBeNull();
  });

  it("says why a list cannot be read", () => {
    expect(() => parseVersionList('{"repositories":[]}', null)).toThrow(ArtifactListError);
    expect(() => parseVersionList("{broken", null)).toThrow(/does not parse/);
    expect(() => parseVersionList("<?xml version='1.0'?><metadata></metadata>", null)).toThrow(
      /without a <versioning><versions> list/,
    );
    expect(() => parseVersionList("plain text", null)).toThrow(/unrecognised list/);
  });
});
