import path from "node:path";
import { describe, expect, it } from "vitest";
import { effectiveSettings, type SettingsChain } from "@/server/inventory/settings";

const chain = (over: Partial<SettingsChain> = {}): SettingsChain => ({
  customPlaybookPath: null,
  customArtifactUrl: null,
  customArtifactExtension: null,
  group: { updatePlaybookPath: null, artifactListUrl: null, artifactExtension: null },
  catalog: { defaultPlaybookPath: null, defaultArtifactUrl: null, defaultArtifactExt: null },
  ...over,
});

describe("effective settings: instance → group → catalog → default", () => {
  it("falls back to DEFAULT_UPDATE_PLAYBOOK (the shipped example, inside PLAYBOOK_DIRS) when nothing is set", () => {
    expect(effectiveSettings(chain()).playbookPath).toEqual({
      value: path.resolve("ansible/update-app.example.yml"),
      source: "default",
    });
    expect(effectiveSettings(chain({ group: null, catalog: null })).artifactUrl).toEqual({
      value: null,
      source: "none",
    });
  });

  it("takes the catalog's value over the default", () => {
    const c = chain({
      catalog: { defaultPlaybookPath: "/pb/cat.yml", defaultArtifactUrl: "http://cat", defaultArtifactExt: "jar" },
    });
    expect(effectiveSettings(c)).toMatchObject({
      playbookPath: { value: "/pb/cat.yml", source: "catalog" },
      artifactUrl: { value: "http://cat", source: "catalog" },
      artifactExtension: { value: "jar", source: "catalog" },
    });
  });

  it("takes the group's value over the catalog's", () => {
    const c = chain({
      group: { updatePlaybookPath: "/pb/group.yml", artifactListUrl: "http://group", artifactExtension: "war" },
      catalog: { defaultPlaybookPath: "/pb/cat.yml", defaultArtifactUrl: "http://cat", defaultArtifactExt: "jar" },
    });
    expect(effectiveSettings(c)).toMatchObject({
      playbookPath: { value: "/pb/group.yml", source: "group" },
      artifactUrl: { value: "http://group", source: "group" },
      artifactExtension: { value: "war", source: "group" },
    });
  });

  it("takes the instance's own value over everything, and ignores blank values", () => {
    const c = chain({
      customPlaybookPath: "/pb/mine.yml",
      customArtifactUrl: "  ",
      group: { updatePlaybookPath: "/pb/group.yml", artifactListUrl: "http://group", artifactExtension: null },
    });
    const effective = effectiveSettings(c);
    expect(effective.playbookPath).toEqual({ value: "/pb/mine.yml", source: "instance" });
    expect(effective.artifactUrl).toEqual({ value: "http://group", source: "group" });
  });
});
