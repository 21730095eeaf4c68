// Marks a group whose instances run different versions.
export function DriftBadge({ versions }: { versions: number }) {
  return (
    <span
      className="inline-flex items-center rounded-md bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-inset ring-amber-600/30"
      data-testid="drift-badge"
    >
      version drift · {versions} versions
    </span>
  );
}
