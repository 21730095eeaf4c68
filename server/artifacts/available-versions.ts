// A group's installable versions, cached in application_groups.tags_cache: read again on demand
// or once the cache is older than TAGS_CACHE_MAX_AGE. A failed read keeps the last good list and
// stores its reason in tags_cache_error, so the page shows both.
import { z } from "zod";
import { config } from "../config";
import { db } from "../db";
import { notFound } from "../errors";
import { redactUrlCredentials } from "../security/redact-url";
import { fetchVersionList } from "./fetch-list";
import type { ListFormat } from "./list-formats";
import { errorMessage } from "../../lib/errors";

const cacheSchema = z.object({ url: z.string(), format: z.string(), versions: z.array(z.string()) });
export type TagsCache = { url: string; format: ListFormat; versions: string[] };

const LIST_TIMEOUT_MS = 15_000;
// An automatic (by age) read is not retried more often than this after a failure.
const RETRY_AFTER_FAILURE_MS = 60_000;

const state = ((
  globalThis as { acTagReads?: { inFlight: Map<number, Promise<void>>; lastFailure: Map<string, number> } }
).acTagReads ??= {
  inFlight: new Map(),
  lastFailure: new Map(),
});
const failureKey = (groupId: number, url: string) => `${groupId} ${url}`;

const groupSelect = {
  id: true,
  name: true,
  artifactListUrl: true,
  artifactExtension: true,
  tagsCache: true,
  tagsCacheUpdatedAt: true,
  tagsCacheError: true,
  catalog: { select: { defaultArtifactUrl: true, defaultArtifactExt: true } },
} as const;

async function loadGroup(groupId: number) {
  const group = await db().applicationGroup.findUnique({ where: { id: groupId }, select: groupSelect });
  if (!group) throw notFound("Application group");
  const url = group.artifactListUrl?.trim() || group.catalog?.defaultArtifactUrl?.trim() || null;
  const extension = group.artifactExtension?.trim() || group.catalog?.defaultArtifactExt?.trim() || null;
  const parsed = cacheSchema.safeParse(group.tagsCache);
  return { group, url, extension, cache: parsed.success ? (parsed.data as TagsCache) : null };
}

async function readAndStore(groupId: number, url: string, extension: string | null) {
  try {
    const list = await fetchVersionList(url, { extension, timeoutMs: LIST_TIMEOUT_MS });
    const tagsCache: TagsCache = { url, format: list.format, versions: list.versions };
    await db().applicationGroup.update({
      where: { id: groupId },
      data: { tagsCache, tagsCacheUpdatedAt: new Date(), tagsCacheError: null },
    });
    state.lastFailure.delete(failureKey(groupId, url));
  } catch (error) {
    // Viewers read this error: an artifact URL's credentials are starred (docs/security.md).
    const reason = redactUrlCredentials(errorMessage(error));
    console.warn(`[ac] versions of group ${groupId}: ${reason}`);
    state.lastFailure.set(failureKey(groupId, url), Date.now());
    await db().applicationGroup.update({ where: { id: groupId }, data: { tagsCacheError: reason } });
  }
}

/** Reads the list now (joining a read already under way); never throws for a bad list. */
function refreshOnce(groupId: number, url: string, extension: string | null): Promise<void> {
  const running = state.inFlight.get(groupId);
  if (running) return running;
  const read = readAndStore(groupId, url, extension).finally(() => state.inFlight.delete(groupId));
  state.inFlight.set(groupId, read);
  return read;
}

export type AvailableVersions = {
  groupId: number;
  url: string | null;
  extension: string | null;
  format: ListFormat | null;
  versions: string[];
  /** When the cached list was last read successfully. */
  updatedAt: Date | null;
  /** Why the last read failed; the versions are then the last good ones. */
  error: string | null;
};

export async function availableVersions(
  groupId: number,
  options: { refresh?: boolean } = {},
): Promise<AvailableVersions> {
  const loaded = await loadGroup(groupId);
  const { url, extension } = loaded;
  let { group, cache } = loaded;
  if (url) {
    const age = group.tagsCacheUpdatedAt ? Date.now() - group.tagsCacheUpdatedAt.getTime() : Infinity;
    const outdated = age > config().TAGS_CACHE_MAX_AGE * 1000 || cache?.url !== url;
    const recentlyFailed = Date.now() - (state.lastFailure.get(failureKey(groupId, url)) ?? 0) < RETRY_AFTER_FAILURE_MS;
    if (options.refresh || (outdated && !recentlyFailed)) {
      await refreshOnce(groupId, url, extension);
      ({ group, cache } = await loadGroup(groupId));
    }
  }
  const current = cache && cache.url === url ? cache : null;
  return {
    groupId,
    // A viewer may read which list is used, never its credentials.
    url: url && redactUrlCredentials(url),
    extension,
    format: current?.format ?? null,
    versions: current?.versions ?? [],
    updatedAt: current ? group.tagsCacheUpdatedAt : null,
    error: url ? group.tagsCacheError : null,
  };
}
