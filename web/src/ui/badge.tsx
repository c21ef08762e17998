import type { ReactNode } from 'react';
import { cx } from './cx';

const TONES = {
  neutral: 'bg-slate-100 text-slate-700 ring-slate-300',
  green: 'bg-emerald-50 text-emerald-800 ring-emerald-300',
  amber: 'bg-amber-50 text-amber-800 ring-amber-300',
  red: 'bg-red-50 text-red-800 ring-red-300',
  blue: 'bg-indigo-50 text-indigo-800 ring-indigo-300',
} as const;

export type BadgeTone = keyof typeof TONES;

export function Badge({ tone = 'neutral', children }: { tone?: BadgeTone; children: ReactNode }) {
  return <span className={cx('inline-flex shrink-0 items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset', TONES[tone])}>{children}</span>;
}

/** The tone of a status word the API uses (flows, sessions, deliveries, appointments). */
export function statusTone(status: string): BadgeTone {
  if (['active', 'succeeded', 'completed', 'sent', 'booked', 'checked_in'].includes(status)) return 'green';
  if (['failed', 'canceled', 'no_show'].includes(status)) return 'red';
  if (['paused', 'retrying', 'waiting', 'held', 'skipped'].includes(status)) return 'amber';
  if (['draft', 'pending'].includes(status)) return 'blue';
  return 'neutral';
}
