import type { ComponentProps } from 'react';
import { cx, FOCUS_RING } from './cx';

const FIELD = 'block w-full rounded-md border border-slate-300 bg-white px-3 text-sm text-slate-900 placeholder:text-slate-500 aria-[invalid=true]:border-red-600 disabled:bg-slate-100';

export function Input({ className, ...props }: ComponentProps<'input'>) {
  return <input className={cx(FIELD, 'h-9', FOCUS_RING, className)} {...props} />;
}

export function Select({ className, ...props }: ComponentProps<'select'>) {
  return <select className={cx(FIELD, 'h-9 pr-8', FOCUS_RING, className)} {...props} />;
}

export function Textarea({ className, ...props }: ComponentProps<'textarea'>) {
  return <textarea className={cx(FIELD, 'py-2', FOCUS_RING, className)} {...props} />;
}
