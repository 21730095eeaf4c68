// Effective update settings of an instance (docs/inventory.md, "Settings priority"): the instance's
// own value, else its group's, else its catalog entry's, else the global default. Each result
// says where it came from so the UI can show it.
import { config } from "../config";

export type SettingSource = "instance" | "group" | "catalog" | "default" | "none";
export type Effective = { value: string | null; source: SettingSource };

export type SettingsChain = {
  customPlaybookPath: string | null;
  customArtifactUrl: string | null;
  customArtifactExtension: string | null;
  group: { updatePlaybookPath: string | null; artifactListUrl: string | null; artifactExtension: string | null } | null;
  catalog: {
    defaultPlaybookPath: string | null;
    defaultArtifactUrl: string | null;
    defaultArtifactExt: string | null;
  } | null;
};

function firstSet(candidates: [SettingSource, string | null | undefined][]): Effective {
  for (const [source, value] of candidates) if (value?.trim()) return { value: value.trim(), source };
  return { value: null, source: "none" };
}

export function effectiveSettings(chain: SettingsChain) {
  return {
    playbookPath: firstSet([
      ["instance", chain.customPlaybookPath],
      ["group", chain.group?.updatePlaybookPath],
      ["catalog", chain.catalog?.defaultPlaybookPath],
      ["default", config().DEFAULT_UPDATE_PLAYBOOK],
    ]),
    artifactUrl: firstSet([
      ["instance", chain.customArtifactUrl],
      ["group", chain.group?.artifactListUrl],
      ["catalog", chain.catalog?.defaultArtifactUrl],
    ]),
    artifactExtension: firstSet([
      ["instance", chain.customArtifactExtension],
      ["group", chain.group?.artifactExtension],
      ["catalog", chain.catalog?.defaultArtifactExt],
    ]),
  };
}

export type EffectiveSettings = ReturnType<typeof effectiveSettings>;

/** The Prisma include that loads everything effectiveSettings needs. */
export const settingsChainInclude = {
  group: { select: { updatePlaybookPath: true, artifactListUrl: true, artifactExtension: true } },
  catalog: { select: { defaultPlaybookPath: true, defaultArtifactUrl: true, defaultArtifactExt: true } },
} as const;
