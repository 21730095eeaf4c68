// Marks a group whose instances run different versions (docs/operations.md, "Glossary").
export function DriftBadge({ versions }: { versions: number }) {
  const meaning = `the group's instances run ${versions} different versions, as when an update reached only some of them`;
  return (
    <span
      className="inline-flex items-center rounded-md bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-inset ring-amber-600/30"
      data-testid="drift-badge"
      title={meaning}
    >
      version drift · {versions} versions
      <span className="sr-only">: {meaning}</span>
    </span>
  );
}
