// Reads an artifact list over HTTP(S): one deadline for the whole read, a size cap, and a
// registry's paginated tags list followed through its Link headers (bounded). Failures become
// ArtifactListErrors whose message is what the group page shows.
import { Agent, request, type Dispatcher } from "undici";
import { ArtifactListError, parseVersionList, type ParsedList } from "./list-formats";
import { sortVersionsNewestFirst } from "./version-order";

export type FetchListOptions = { extension: string | null; timeoutMs: number; maxBytes?: number };

// Every hop (a redirect, a registry's `Link: next`) must stay on the configured URL's origin, same
// scheme, host and port: a list server must not make AC, which any viewer can ask to read the
// list, request other hosts or ports of its network (docs/security.md, "Artifact lists").
const MAX_PAGES = 20;
// Repository managers often redirect a list (a mirror path, a trailing slash); three hops are plenty.
const MAX_REDIRECTS = 3;
/** Bytes of one read, all pages together. */
const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
let dispatcher: Dispatcher | undefined;
const listDispatcher = () => (dispatcher ??= new Agent());

type Read = { origin: string; signal: AbortSignal; maxBytes: number; bytesRead: number };

async function readCapped(body: AsyncIterable<Buffer>, read: Read, url: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (read.bytesRead + size > read.maxBytes)
      throw new ArtifactListError(`${url}: list larger than ${Math.round(read.maxBytes / 1024)} KiB refused`);
    chunks.push(chunk);
  }
  read.bytesRead += size;
  return Buffer.concat(chunks, size).toString("utf8");
}

/** A hop's target, resolved against the page it came from; refused unless it is on the list's origin. */
function sameOrigin(target: string, base: string, read: Read, what: string): string {
  let url: URL;
  try {
    url = new URL(target, base);
  } catch {
    throw new ArtifactListError(`${base} ${what} ${JSON.stringify(target.slice(0, 200))}, which is not a URL`);
  }
  if (url.origin !== read.origin) {
    throw new ArtifactListError(
      `${base} ${what} ${url.origin}: AC follows only ${read.origin} (the configured list's origin)`,
    );
  }
  return url.toString();
}

/** `<…/tags/list?n=100&last=x>; rel="next"` → the absolute next URL. */
function nextPage(link: string | string[] | undefined, base: string, read: Read): string | null {
  const value = Array.isArray(link) ? link.join(",") : link;
  const match = value ? /<([^>]+)>\s*;\s*rel="?next"?/i.exec(value) : null;
  return match ? sameOrigin(match[1]!, base, read, "links its next page to") : null;
}

async function getPage(first: string, read: Read) {
  let url = first;
  for (let hops = 0; ; hops++) {
    const res = await request(url, {
      method: "GET",
      headers: { accept: "application/json, application/xml, text/html;q=0.9, */*;q=0.5" },
      signal: read.signal,
      dispatcher: listDispatcher(),
    });
    const location = res.headers.location;
    if (res.statusCode >= 300 && res.statusCode < 400 && location) {
      await res.body.dump(); // release the connection
      if (hops >= MAX_REDIRECTS) throw new ArtifactListError(`${first}: more than ${MAX_REDIRECTS} redirects`);
      url = sameOrigin(Array.isArray(location) ? location[0]! : location, url, read, "redirects to");
      continue;
    }
    if (res.statusCode === 401 || res.statusCode === 403) {
      await res.body.dump(); // release the connection
      throw new ArtifactListError(
        `${url} answered HTTP ${res.statusCode}: the list needs credentials, which AC does not send`,
      );
    }
    if (res.statusCode < 200 || res.statusCode > 299) {
      await res.body.dump(); // release the connection
      throw new ArtifactListError(`${url} answered HTTP ${res.statusCode}`);
    }
    return { url, text: await readCapped(res.body as AsyncIterable<Buffer>, read, url), link: res.headers.link };
  }
}

export async function fetchVersionList(url: string, options: FetchListOptions): Promise<ParsedList> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ArtifactListError(`"${url}" is not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new ArtifactListError(`${url}: only http and https lists are read`);
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const read: Read = {
    origin: parsed.origin,
    signal: deadline,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    bytesRead: 0,
  };
  try {
    let page = await getPage(parsed.toString(), read);
    const first = parseVersionList(page.text, options.extension);
    const versions = [...first.versions];
    for (
      let n = 1, next = nextPage(page.link, page.url, read);
      next && first.format === "docker-registry" && n < MAX_PAGES;
      n++
    ) {
      page = await getPage(next, read);
      versions.push(...parseVersionList(page.text, options.extension).versions);
      next = nextPage(page.link, page.url, read);
    }
    return { format: first.format, versions: sortVersionsNewestFirst(versions) };
  } catch (error) {
    if (error instanceof ArtifactListError) throw error;
    if (deadline.aborted) throw new ArtifactListError(`${url} did not answer within ${options.timeoutMs / 1000} s`);
    const code = (error as { code?: string }).code;
    throw new ArtifactListError(`${url} cannot be read: ${(error as Error).message}${code ? ` (${code})` : ""}`);
  }
}
