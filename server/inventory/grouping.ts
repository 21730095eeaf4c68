// Instance name → group (docs/inventory.md, "Instance names and groups"): "jurws_1" → group "jurws", instance 1. A name without a
// numeric suffix is its own group with instance number 0 ("my-app_test" → "my-app_test", 0).
const numbered = /^(.+?)_(\d+)$/;

export type ParsedName = { groupName: string; instanceNumber: number };

export function parseInstanceName(instanceName: string): ParsedName {
  const match = numbered.exec(instanceName);
  if (!match) return { groupName: instanceName, instanceNumber: 0 };
  const instanceNumber = Number(match[2]);
  // A suffix too long for an integer column is part of the name, not a number.
  if (!Number.isSafeInteger(instanceNumber) || instanceNumber > 2_147_483_647) {
    return { groupName: instanceName, instanceNumber: 0 };
  }
  return { groupName: match[1]!, instanceNumber };
}
