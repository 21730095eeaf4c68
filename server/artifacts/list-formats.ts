// Reads the versions out of an artifact list, whatever it is: a Docker Registry v2 tags list,
// a Maven maven-metadata.xml, a JSON array, or a web server's HTML directory index (file names
// filtered by the artifact extension). Pure: tests feed it bodies directly.

export type ListFormat = "docker-registry" | "maven-metadata" | "json-array" | "html-index";

export class ArtifactListError extends Error {
  override name = "ArtifactListError";
}

export type ParsedList = { format: ListFormat; versions: string[] };

const decodeXml = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, "&");

function fromJson(json: unknown): ParsedList {
  if (Array.isArray(json)) {
    // Plain strings, or objects naming the version ({"version": "1.2"}, as some release APIs do).
    const versions = json.flatMap((item) => {
      if (typeof item === "string") return [item];
      const named = item && typeof item === "object" ? (item as Record<string, unknown>) : {};
      const value = named.version ?? named.tag ?? named.name;
      return typeof value === "string" ? [value] : [];
    });
    return { format: "json-array", versions };
  }
  if (json && typeof json === "object" && "tags" in json) {
    const tags = (json as { tags: unknown }).tags;
    if (tags === null) return { format: "docker-registry", versions: [] }; // a repository without tags
    if (Array.isArray(tags))
      return { format: "docker-registry", versions: tags.filter((t): t is string => typeof t === "string") };
  }
  throw new ArtifactListError('JSON that is neither an array of versions nor a registry tags list ({"tags": [...]})');
}

function fromMavenMetadata(xml: string): ParsedList {
  // indexOf and bounded patterns: a lazy `[\s\S]*?` over an unclosed list backtracked for minutes on a
  // few MB (the list server is not trusted, docs/update-tasks.md).
  const start = xml.indexOf("<versions>");
  const end = start < 0 ? -1 : xml.indexOf("</versions>", start);
  if (end < 0) throw new ArtifactListError("maven-metadata.xml without a <versioning><versions> list");
  const block = xml.slice(start + "<versions>".length, end);
  const versions = [...block.matchAll(/<version>([^<]{0,1024})<\/version>/g)].map((m) => decodeXml(m[1]!.trim()));
  return { format: "maven-metadata", versions };
}

/** "jurws-1.4.2" → "1.4.2", "app_v2.0.0-rc1" → "v2.0.0-rc1": the part from the first "-digit" on. */
export function versionFromFileName(base: string): string | null {
  const match = /(?:^|[-_])(v?\d[\w.+-]{0,255})$/i.exec(base);
  return match ? match[1]! : null;
}

function fromHtmlIndex(html: string, extension: string | null): ParsedList {
  const ext = extension ? (extension.startsWith(".") ? extension : `.${extension}`).toLowerCase() : null;
  const versions: string[] = [];
  for (const match of html.matchAll(/<a\s[^>]{0,512}?href\s{0,16}=\s{0,16}["']([^"']{1,2048})["']/gi)) {
    const href = decodeXml(match[1]!);
    if (href.startsWith("?") || href.startsWith("#") || href.startsWith("../") || /^[a-z]+:\/\//i.test(href)) continue;
    const isDir = href.endsWith("/");
    let name: string;
    try {
      name = decodeURIComponent(href.replace(/\/$/, "").split("/").pop() ?? "");
    } catch {
      continue; // a malformed escape names no version
    }
    if (ext) {
      if (isDir || !name.toLowerCase().endsWith(ext)) continue;
      const version = versionFromFileName(name.slice(0, -ext.length));
      if (version) versions.push(version);
    } else if (isDir && /^v?\d/i.test(name)) {
      versions.push(name); // no extension: one folder per version (1.4.2/)
    }
  }
  return { format: "html-index", versions };
}

export function parseVersionList(body: string, extension: string | null): ParsedList {
  const text = body.trim();
  if (text.startsWith("{") || text.startsWith("[")) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ArtifactListError(`reply looks like JSON but does not parse: ${(error as Error).message}`);
    }
    return fromJson(json);
  }
  if (/^<\?xml/i.test(text) || /<metadata[\s>]/i.test(text)) return fromMavenMetadata(text);
  if (/<a\s/i.test(text) || /<html[\s>]/i.test(text)) return fromHtmlIndex(text, extension);
  throw new ArtifactListError(
    "unrecognised list: expected a registry tags list, maven-metadata.xml, a JSON array or an HTML index",
  );
}
