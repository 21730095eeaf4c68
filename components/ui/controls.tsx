// Form controls with visible keyboard focus.
import {
  cloneElement,
  isValidElement,
  type ButtonHTMLAttributes,
  type InputHTMLAttributes,
  type SelectHTMLAttributes,
} from "react";

const focus = "focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:ring-offset-1";

const variants = {
  primary: "bg-sky-700 text-white hover:bg-sky-800 disabled:bg-sky-300",
  secondary: "border border-slate-300 bg-white text-slate-700 hover:bg-slate-50 disabled:text-slate-400",
  danger: "bg-red-600 text-white hover:bg-red-700 disabled:bg-red-300",
};

export function Button({
  variant = "primary",
  className = "",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: keyof typeof variants }) {
  return (
    <button
      className={`inline-flex items-center justify-center gap-1 rounded-md px-3 py-1.5 text-sm font-medium ${variants[variant]} ${focus} ${className}`}
      {...props}
    />
  );
}

export const inputClass = `block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900 placeholder:text-slate-400 aria-invalid:border-red-600 ${focus}`;

export function Input({ className = "", ...props }: InputHTMLAttributes<HTMLInputElement>) {
  return <input className={`${inputClass} ${className}`} {...props} />;
}

export function Select({ className = "", ...props }: SelectHTMLAttributes<HTMLSelectElement>) {
  return <select className={`${inputClass} ${className}`} {...props} />;
}

/** A labelled control; with an error, the control is marked invalid (red border, `aria-invalid`) above its message. */
export function Field({ label, error, children }: { label: string; error?: string; children: React.ReactNode }) {
  const control =
    error && isValidElement<{ "aria-invalid"?: boolean }>(children)
      ? cloneElement(children, { "aria-invalid": true })
      : children;
  return (
    <label className="block text-sm">
      <span className="mb-1 block font-medium text-slate-700">{label}</span>
      {control}
      {error ? <span className="mt-1 block text-xs text-red-700">{error}</span> : null}
    </label>
  );
}

/** The title row of a dialog: its heading and the × that closes it (one markup for every dialog). */
export function DialogHeader({
  children,
  onClose,
  titleClass = "text-lg",
}: {
  children: React.ReactNode;
  onClose: () => void;
  titleClass?: string;
}) {
  return (
    <div className="flex items-center justify-between">
      <h2 className={`${titleClass} font-semibold text-slate-900`}>{children}</h2>
      <button type="button" className="text-2xl leading-none text-slate-500" aria-label="Close" onClick={onClose}>
        ×
      </button>
    </div>
  );
}
