// Artifact lists in the four formats AC reads, served on loopback for tests and the demo:
//   GET /v2/<name>/tags/list               Docker Registry v2 (paginated with ?n= and a Link header)
//   GET /maven/<name>/maven-metadata.xml   Maven metadata
//   GET /json/<name>.json                  a JSON array of versions
//   GET /files/<name>/                     an HTML directory index: <name>-<version><ext> files, and noise
//   GET /status/<code>                     answers that status (failure tests)
// Versions are per name and can be changed while running (setVersions); `fallback` answers for
// any other name (the e2e fleet's generated group names).
import http from "node:http";
import type { AddressInfo } from "node:net";

export type ArtifactFixtures = {
  url: string;
  setVersions(name: string, versions: string[]): void;
  /** Requests served per path, for tests that check the cache. */
  hits: Map<string, number>;
  stop(): Promise<void>;
};

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function mavenMetadata(name: string, versions: string[]) {
  const list = versions.map((v) => `      <version>${escapeXml(v)}</version>`).join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>com.example</groupId>
  <artifactId>${escapeXml(name)}</artifactId>
  <versioning>
    <latest>${escapeXml(versions.at(-1) ?? "")}</latest>
    <versions>
${list}
    </versions>
    <lastUpdated>20250101000000</lastUpdated>
  </versioning>
</metadata>
`;
}

function htmlIndex(name: string, versions: string[], ext: string) {
  const links = [
    `<a href="?C=N;O=D">Name</a>`,
    `<a href="../">../</a>`,
    ...versions.flatMap((v) => [
      `<a href="${name}-${encodeURIComponent(v)}${ext}">${name}-${v}${ext}</a>`,
      `<a href="${name}-${encodeURIComponent(v)}${ext}.sha256">${name}-${v}${ext}.sha256</a>`,
    ]),
    `<a href="README.txt">README.txt</a>`,
  ];
  return `<!DOCTYPE html><html><head><title>Index of /files/${name}/</title></head><body><h1>Index of /files/${name}/</h1><pre>\n${links.join("\n")}\n</pre></body></html>`;
}

type FixtureOptions = {
  host?: string;
  port?: number;
  extension?: string;
  lists?: Record<string, string[]>;
  fallback?: string[];
};

export async function startArtifactFixtures(options: FixtureOptions = {}): Promise<ArtifactFixtures> {
  const lists = new Map(Object.entries(options.lists ?? {}));
  const ext = options.extension ?? ".tar.gz";
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fixtures");
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) =>
      res.writeHead(status, { "content-type": type, ...headers }).end(body);
    const versionsOf = (name: string) => lists.get(decodeURIComponent(name)) ?? options.fallback;
    let m: RegExpExecArray | null;
    if ((m = /^\/status\/(\d{3})$/.exec(url.pathname))) return send(Number(m[1]), "text/plain", `status ${m[1]}`);
    if ((m = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname)) && versionsOf(m[1]!)) {
      const all = versionsOf(m[1]!)!;
      const n = Number(url.searchParams.get("n") ?? all.length) || all.length;
      const last = url.searchParams.get("last");
      const start = last ? all.indexOf(last) + 1 : 0;
      const page = all.slice(start, start + n);
      const more = start + n < all.length;
      const link: Record<string, string> = more
        ? { link: `</v2/${m[1]}/tags/list?n=${n}&last=${encodeURIComponent(page.at(-1)!)}>; rel="next"` }
        : {};
      return send(200, "application/json", JSON.stringify({ name: m[1], tags: page }), link);
    }
    if ((m = /^\/maven\/(.+)\/maven-metadata\.xml$/.exec(url.pathname)) && versionsOf(m[1]!)) {
      return send(200, "application/xml", mavenMetadata(m[1]!, versionsOf(m[1]!)!));
    }
    if ((m = /^\/json\/(.+)\.json$/.exec(url.pathname)) && versionsOf(m[1]!)) {
      return send(200, "application/json", JSON.stringify(versionsOf(m[1]!)));
    }
    if ((m = /^\/files\/([^/]+)\/$/.exec(url.pathname)) && versionsOf(m[1]!)) {
      return send(200, "text/html", htmlIndex(m[1]!, versionsOf(m[1]!)!, ext));
    }
    send(404, "text/plain", `no fixture at ${url.pathname}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 0 }, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    setVersions: (name, versions) => void lists.set(name, versions),
    hits,
    stop: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}
