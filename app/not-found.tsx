// An address no route matches (/nonexistent): AC's own page instead of Next's built-in one, whose
// inline styles the CSP refuses (proxy.ts) and which offers no way back.
import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-md px-4 py-16 text-center">
      <h1 className="text-xl font-semibold text-slate-900">Page not found</h1>
      <p className="mt-3 text-sm text-slate-600">There is no page at this address in AC.</p>
      <p className="mt-6">
        <Link href="/" className="text-sky-800 underline">
          Go to the dashboard
        </Link>
      </p>
    </main>
  );
}
