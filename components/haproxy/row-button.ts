// A compact button for table rows: a page may hold hundreds, so its class list stays short.
export const rowButton =
  "rounded border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50 disabled:text-slate-400 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500";
