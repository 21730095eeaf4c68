// Every panel page has a loading state, and none sits above a page that can say "not found"
// (docs/architecture.md, "Loading states and 404"): a loading.tsx above a detail page makes the
// response stream as a 200 before its lookup, so an unknown id could no longer answer 404.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const panel = path.resolve(import.meta.dirname, "../../app/(panel)");

/** Every page.tsx under the panel, as a path relative to it. */
function pages(dir = panel): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return pages(full);
    return entry.name === "page.tsx" ? [path.relative(panel, full)] : [];
  });
}

/** The segment folders from the panel down to a page's own, the panel's included. */
const segments = (page: string) => {
  const parts = path
    .dirname(page)
    .split(path.sep)
    .filter((p) => p !== ".");
  return parts.reduceRight<string[]>((all, _, i) => [path.join(panel, ...parts.slice(0, i + 1)), ...all], [panel]);
};
const hasLoadingFile = (dir: string) => fs.existsSync(path.join(dir, "loading.tsx"));
const wrapsItself = (page: string) =>
  /export default withLoading\(/.test(fs.readFileSync(path.join(panel, page), "utf8"));
const isDetail = (page: string) => /\[[^\]]+\]/.test(page);

describe("panel pages' loading states", () => {
  const all = pages();

  it("finds the pages", () => {
    expect(all).toContain("servers/[id]/page.tsx");
    expect(all.length).toBeGreaterThan(20);
  });

  it("gives every page one: a loading.tsx in its segments, or a withLoading export", () => {
    const without = all.filter((page) => !wrapsItself(page) && !segments(page).some(hasLoadingFile));
    expect(without).toEqual([]);
  });

  it("puts no loading.tsx above a detail page, whose lookup must run before the first byte", () => {
    const covered = all.filter((page) => isDetail(page) && segments(page).some(hasLoadingFile));
    expect(covered).toEqual([]);
    const unchecked = all.filter(
      (page) =>
        isDetail(page) && !/export default withLoading\(\w+, /.test(fs.readFileSync(path.join(panel, page), "utf8")),
    );
    expect(unchecked).toEqual([]);
  });
});
