// Reads an artifact list over HTTP(S): one deadline for the whole read, a size cap, and a
// registry's paginated tags list followed through its Link headers (bounded). Failures become
// ArtifactListErrors whose message is what the group page shows.
import { Agent, interceptors, request, type Dispatcher } from "undici";
import { ArtifactListError, parseVersionList, type ParsedList } from "./list-formats";
import { sortVersionsNewestFirst } from "./version-order";

export type FetchListOptions = { extension: string | null; timeoutMs: number; maxBytes?: number };

const MAX_PAGES = 20;
// Repository managers often redirect a list (http → https, a mirror); three hops are plenty.
let dispatcher: Dispatcher | undefined;
const listDispatcher = () => (dispatcher ??= new Agent().compose(interceptors.redirect({ maxRedirections: 3 })));
const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

async function readCapped(body: AsyncIterable<Buffer>, maxBytes: number, url: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) throw new ArtifactListError(`${url}: list larger than ${Math.round(maxBytes / 1024)} KiB refused`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

/** `<…/tags/list?n=100&last=x>; rel="next"` → the absolute next URL. */
function nextPage(link: string | string[] | undefined, base: string): string | null {
  const value = Array.isArray(link) ? link.join(",") : link;
  const match = value ? /<([^>]+)>\s*;\s*rel="?next"?/i.exec(value) : null;
  return match ? new URL(match[1]!, base).toString() : null;
}

async function getPage(url: string, signal: AbortSignal, maxBytes: number) {
  const res = await request(url, { method: "GET", headers: { accept: "application/json, application/xml, text/html;q=0.9, */*;q=0.5" }, signal, dispatcher: listDispatcher() });
  if (res.statusCode === 401 || res.statusCode === 403) {
    await res.body.dump(); // release the connection
    throw new ArtifactListError(`${url} answered HTTP ${res.statusCode}: the list needs credentials, which AC does not send`);
  }
  if (res.statusCode < 200 || res.statusCode > 299) {
    await res.body.dump(); // release the connection
    throw new ArtifactListError(`${url} answered HTTP ${res.statusCode}`);
  }
  return { text: await readCapped(res.body as AsyncIterable<Buffer>, maxBytes, url), link: res.headers.link };
}

export async function fetchVersionList(url: string, options: FetchListOptions): Promise<ParsedList> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ArtifactListError(`"${url}" is not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new ArtifactListError(`${url}: only http and https lists are read`);
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  try {
    let page = await getPage(url, deadline, maxBytes);
    const first = parseVersionList(page.text, options.extension);
    const versions = [...first.versions];
    for (let n = 1, next = nextPage(page.link, url); next && first.format === "docker-registry" && n < MAX_PAGES; n++) {
      page = await getPage(next, deadline, maxBytes);
      versions.push(...parseVersionList(page.text, options.extension).versions);
      next = nextPage(page.link, next);
    }
    return { format: first.format, versions: sortVersionsNewestFirst(versions) };
  } catch (error) {
    if (error instanceof ArtifactListError) throw error;
    if (deadline.aborted) throw new ArtifactListError(`${url} did not answer within ${options.timeoutMs / 1000} s`);
    const code = (error as { code?: string }).code;
    throw new ArtifactListError(`${url} cannot be read: ${(error as Error).message}${code ? ` (${code})` : ""}`);
  }
}
