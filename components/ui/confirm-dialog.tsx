"use client";
// The confirmation for a risky action: a modal <dialog> (focus trapped, Escape closes) that says
// what will happen, with Cancel focused first and the action's own name on the confirm button.
// It exists only while asked, so a page with many rows holds no dialogs.
import { useEffect, useRef, type ReactNode } from "react";
import { Button } from "./controls";

export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  variant = "danger",
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  variant?: "danger" | "primary";
  onConfirm: () => void;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog
      ref={dialog}
      onClose={onClose}
      aria-label={title}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-lg p-5 shadow-xl backdrop:bg-slate-900/40"
    >
      <form method="dialog" className="space-y-4">
        <h2 className="text-base font-semibold text-slate-900">{title}</h2>
        <div className="space-y-2 text-sm text-slate-600">{children}</div>
        <div className="flex flex-wrap justify-end gap-2">
          <Button type="submit" variant="secondary" autoFocus>
            Cancel
          </Button>
          <Button type="button" variant={variant} onClick={() => (dialog.current?.close(), onConfirm())}>
            {confirmLabel}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
