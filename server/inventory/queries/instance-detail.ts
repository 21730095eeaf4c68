// One instance with every field, and its effective update settings with where each comes from.
import { db, Prisma } from "../../db";
import { notFound } from "../../errors";
import { redactUrlCredentials } from "../../security/redact-url";
import { effectiveSettings, settingsChainInclude } from "../settings";
import { currentVersion } from "./instance-shape";

export const instanceDetailSelect = {
  id: true,
  instanceName: true,
  instanceNumber: true,
  appType: true,
  status: true,
  rawStatus: true,
  containerId: true,
  containerName: true,
  composeProjectDir: true,
  image: true,
  tag: true,
  eurekaUrl: true,
  eurekaRegistered: true,
  path: true,
  logPath: true,
  version: true,
  distrPath: true,
  ip: true,
  port: true,
  pid: true,
  startTime: true,
  lastSeen: true,
  customPlaybookPath: true,
  customArtifactUrl: true,
  customArtifactExtension: true,
  createdAt: true,
  updatedAt: true,
  server: { select: { id: true, name: true, status: true, ip: true, port: true } },
  group: { select: { id: true, name: true, ...settingsChainInclude.group.select } },
  catalog: { select: { id: true, name: true, ...settingsChainInclude.catalog.select } },
} satisfies Prisma.ApplicationInstanceSelect;

export async function getInstance(id: number) {
  const instance = await db().applicationInstance.findUnique({ where: { id }, select: instanceDetailSelect });
  if (!instance) throw notFound("Application instance");
  // The agent's eureka_url is stored as reported (plan.ts needs it); a Spring defaultZone often
  // holds user:password@, which no reader sees (docs/security.md).
  const eurekaUrl = instance.eurekaUrl === null ? null : redactUrlCredentials(instance.eurekaUrl);
  return {
    ...instance,
    eurekaUrl,
    currentVersion: currentVersion(instance),
    effective: effectiveSettings(instance),
  };
}

export type InstanceDetail = Awaited<ReturnType<typeof getInstance>>;
