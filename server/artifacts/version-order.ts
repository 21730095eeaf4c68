// Orders version strings the way people read them, newest first: numeric parts compare as
// numbers (1.10 > 1.9), a release beats its pre-releases (1.4.0 > 1.4.0-rc.2), and a leading
// "v" is ignored. Tags that are not versions at all ("latest", "stable") come last, by name.
// Our own comparator rather than `semver`: registries hold 4-part, date-like and "_"-separated
// versions that strict semver rejects.

type Parsed = { core: string[]; pre: string[] | null; raw: string };

const isNumeric = (part: string) => /^\d+$/.test(part);

function parse(raw: string): Parsed | null {
  const text = raw.trim().replace(/^v(?=\d)/i, "");
  if (!/^\d/.test(text)) return null;
  const withoutBuild = text.split("+")[0]!;
  // Core = leading run of numbers separated by . or _; the rest, after - or a letter, is a pre-release.
  const match = /^(\d+(?:[._]\d+)*)(.*)$/.exec(withoutBuild)!;
  const rest = match[2]!.replace(/^[-._]/, "");
  // "1.4.0.Final" / "2.0-RELEASE" / "3.1-GA" mark a release, not a pre-release (Maven habits).
  const release = rest === "" || /^(final|release|ga)$/i.test(rest);
  return { core: match[1]!.split(/[._]/), pre: release ? null : rest.split(/[-.]/), raw };
}

function compareParts(a: string, b: string): number {
  if (isNumeric(a) && isNumeric(b)) {
    const [x, y] = [BigInt(a), BigInt(b)]; // build numbers and dates overflow doubles
    return x === y ? 0 : x > y ? 1 : -1;
  }
  if (isNumeric(a)) return -1; // semver: numeric identifiers rank below alphanumeric ones
  if (isNumeric(b)) return 1;
  return a.localeCompare(b, "en");
}

function compareParsed(a: Parsed, b: Parsed): number {
  for (let i = 0; i < Math.max(a.core.length, b.core.length); i++) {
    const diff = compareParts(a.core[i] ?? "0", b.core[i] ?? "0");
    if (diff) return diff;
  }
  if (!a.pre || !b.pre) return Number(!a.pre) - Number(!b.pre);
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    if (a.pre[i] === undefined) return -1; // 1.0-rc < 1.0-rc.1
    if (b.pre[i] === undefined) return 1;
    const diff = compareParts(a.pre[i]!, b.pre[i]!);
    if (diff) return diff;
  }
  return 0;
}

/** Ascending comparison: negative when a is older than b. */
export function compareVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : b.localeCompare(a, "en"); // non-versions sort below, A→Z newest-first
  return compareParsed(pa, pb) || a.localeCompare(b, "en");
}

/** Unique, trimmed, newest first. */
export function sortVersionsNewestFirst(versions: Iterable<string>): string[] {
  const unique = [...new Set([...versions].map((v) => v.trim()).filter(Boolean))];
  return unique.sort((a, b) => compareVersions(b, a));
}
