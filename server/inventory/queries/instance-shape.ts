// What an instance row looks like in lists, and what "its version" means, in one place.
import { Prisma } from "../../db";

/**
 * An instance's version as operators read it: sites and services report `version`, docker
 * containers their image `tag`. The SQL twin below must say the same thing.
 */
export const currentVersion = (row: { version: string | null; tag: string | null }) => row.version ?? row.tag;
export const versionSql = Prisma.sql`COALESCE(i.version, i.tag)`;

export const instanceListSelect = {
  id: true,
  instanceName: true,
  instanceNumber: true,
  appType: true,
  status: true,
  image: true,
  tag: true,
  version: true,
  path: true,
  ip: true,
  port: true,
  lastSeen: true,
  startTime: true,
  server: { select: { id: true, name: true, status: true } },
  group: { select: { id: true, name: true } },
} satisfies Prisma.ApplicationInstanceSelect;
