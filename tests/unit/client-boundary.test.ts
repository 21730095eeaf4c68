// Client components reach nothing under server/ except types (docs/architecture.md, "UI kit"):
// whatever a "use client" file imports, directly or through components and lib, is bundled for
// the browser, so a value import from server/ ships its zod schemas or settings there.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function resolveImport(from: string, spec: string): string | null {
  const base = spec.startsWith("@/")
    ? path.join(root, spec.slice(2))
    : spec.startsWith(".")
      ? path.resolve(path.dirname(from), spec)
      : null;
  if (!base) return null; // a package
  for (const candidate of [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, "index.ts"),
    path.join(base, "index.tsx"),
  ]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** The modules a file imports for their values (`import type` and all-`type` name lists left out). */
function valueImports(file: string, text = fs.readFileSync(file, "utf8")): string[] {
  const source = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    false,
    file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const specs: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named =
        clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      if (!typeOnly) specs.push(node.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      !node.isTypeOnly
    ) {
      specs.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      specs.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specs;
}

const sourceFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : /\.tsx?$/.test(entry.name) ? [full] : [];
  });

/** Every import chain from a "use client" file into server/, as "a -> b -> server/x.ts". */
function clientToServerChains(): string[] {
  const clients = ["app", "components", "lib"]
    .flatMap((dir) => sourceFiles(path.join(root, dir)))
    .filter((file) => /^\s*["']use client["']/.test(fs.readFileSync(file, "utf8")));
  const chains: string[] = [];
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of valueImports(file)) {
      const target = resolveImport(file, spec);
      if (!target) continue;
      const next = [...chain, path.relative(root, target)];
      if (path.relative(root, target).startsWith(`server${path.sep}`)) chains.push(next.join(" -> "));
      else walk(target, next);
    }
  };
  for (const file of clients) walk(file, [path.relative(root, file)]);
  return chains;
}

describe("the browser bundle's boundary", () => {
  it("no client component imports a value from server/, directly or through another module", () => {
    expect(clientToServerChains()).toEqual([]);
  });

  it("counts `import type` and all-type name lists as types, and anything else as a value", () => {
    const imports = valueImports(
      "x.tsx",
      [
        'import type { A } from "@/server/a";',
        'import { type B, type C } from "@/server/b";',
        'import { type D, e } from "@/server/d";',
        'import * as f from "@/server/f";',
        'export { g } from "@/server/g";',
        'const h = () => import("@/server/h");',
      ].join("\n"),
    );
    expect(imports).toEqual(["@/server/d", "@/server/f", "@/server/g", "@/server/h"]);
  });
});
