"use client";
// The one confirmation for risky actions (drain, maint, bulk actions, role changes, disabling,
// deleting, revoking): a modal dialog whose title names the action and, for many targets, the
// count ("Drain 37 HAProxy servers on 3 load balancers?"), with an optional bounded list of what
// it touches. Cancel has the focus and Escape cancels, so a stray Enter changes nothing.
// Mount it only while asking (a page may hold hundreds of rows): it opens itself.
import { useEffect, useRef, useState } from "react";
import { Button, DialogHeader } from "./controls";
import { ErrorNote } from "./states";

export type ConfirmDialogProps = {
  title: string;
  /** The button's words: the action itself ("Drain 37 servers"), never just "OK". */
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  /** Red button for actions that drop connections or delete. */
  danger?: boolean;
  /** Disables the confirm button (still counting, or already sending). */
  busy?: boolean;
  error?: string | null;
  /** What it touches, already bounded by the caller; `more` says how many are not listed. */
  items?: string[];
  more?: number;
  children?: React.ReactNode;
};

export function ConfirmDialog(p: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    // showModal focuses the first control, the ×; Cancel says what it does.
    d?.querySelector<HTMLButtonElement>("[data-cancel]")?.focus();
  }, []);
  return (
    <dialog
      ref={dialog}
      onClose={p.onClose}
      aria-label={p.title}
      data-testid="confirm-dialog"
      className="m-auto w-[calc(100vw-2rem)] max-w-lg rounded-lg p-5 shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="space-y-4">
        <DialogHeader onClose={() => dialog.current?.close()} titleClass="text-base">
          {p.title}
        </DialogHeader>
        {p.children ? <div className="space-y-2 text-sm text-slate-600">{p.children}</div> : null}
        {p.items?.length ? (
          <ul
            className="max-h-48 overflow-y-auto rounded border border-slate-200 bg-slate-50 p-2 font-mono text-xs break-all text-slate-700"
            aria-label="What it touches"
            data-testid="confirm-items"
          >
            {p.items.map((item) => (
              <li key={item}>{item}</li>
            ))}
            {p.more ? <li className="font-sans text-slate-500">… and {p.more} more</li> : null}
          </ul>
        ) : null}
        {p.error ? <ErrorNote>{p.error}</ErrorNote> : null}
        <div className="flex flex-wrap justify-end gap-2">
          <Button data-cancel type="button" variant="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </Button>
          <Button
            type="button"
            variant={p.danger ? "danger" : "primary"}
            disabled={p.busy}
            onClick={() => {
              dialog.current?.close();
              p.onConfirm();
            }}
          >
            {p.confirmLabel}
          </Button>
        </div>
      </div>
    </dialog>
  );
}

/**
 * A button that asks first, through the ConfirmDialog above: the one way risky actions are
 * confirmed (never `window.confirm`, which pages cannot style, test or make keyboard-safe).
 */
export function ConfirmButton({
  children,
  variant = "danger",
  className,
  disabled,
  ask,
  onConfirm,
}: {
  children: React.ReactNode;
  variant?: "danger" | "secondary" | "primary";
  className?: string;
  disabled?: boolean;
  /** The question: title, the confirm button's words, and what happens. */
  ask: { title: string; confirmLabel: string; body: React.ReactNode };
  onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
  return (
    <>
      <Button variant={variant} className={className} disabled={disabled} onClick={() => setAsking(true)}>
        {children}
      </Button>
      {asking ? (
        <ConfirmDialog
          title={ask.title}
          confirmLabel={ask.confirmLabel}
          danger={variant === "danger"}
          onConfirm={onConfirm}
          onClose={() => setAsking(false)}
        >
          <p>{ask.body}</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
