import { useTranslation } from 'react-i18next';
import { Badge, statusTone } from '../../ui/badge';
import { DateTime } from '../../ui/date-time';
import { StatusBadge } from '../../ui/status-badge';
import { JsonView } from '../../ui/json-view';
import type { Delivery, TimelineEntry } from './sessions-api';

type Item = { kind: 'log'; at: string; entry: TimelineEntry } | { kind: 'delivery'; at: string; delivery: Delivery };

/** The session's log entries and delivery attempts in time order: steps, waits with their due time, reschedules, sends. */
export function SessionTimeline({ timeline, deliveries }: { timeline: TimelineEntry[]; deliveries: Delivery[] }) {
  const { t } = useTranslation('sessions');
  const items: Item[] = [
    ...timeline.map((entry) => ({ kind: 'log' as const, at: entry.at, entry })),
    ...deliveries.map((delivery) => ({ kind: 'delivery' as const, at: delivery.created_at, delivery })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  if (items.length === 0) return <p className="text-sm text-slate-600">{t('timeline_empty')}</p>;
  return (
    <ol className="relative space-y-4 border-l border-slate-200 pl-5">
      {items.map((item, i) => (
        <li key={i} className="relative">
          <span aria-hidden="true" className="absolute top-1.5 -left-[25px] size-2.5 rounded-full bg-indigo-500 ring-4 ring-white" />
          <div className="flex flex-wrap items-baseline gap-2 text-sm">
            <span className="text-slate-600">
              <DateTime value={item.at} />
            </span>
            {item.kind === 'log' ? (
              <>
                <StatusBadge status={item.entry.type} />
                {item.entry.step_id && <code className="text-xs text-slate-700">{item.entry.step_id}</code>}
              </>
            ) : (
              <>
                <Badge tone={statusTone(item.delivery.status)}>{t('delivery_attempt', { channel: item.delivery.channel, attempt: item.delivery.attempt })}</Badge>
                <code className="text-xs text-slate-700">{item.delivery.step_id}</code>
              </>
            )}
          </div>
          {item.kind === 'log' ? (
            <>
              {item.entry.message && <p className="mt-1 text-sm text-slate-800">{item.entry.message}</p>}
              {dueAt(item.entry.data) && (
                <p className="mt-1 text-sm text-slate-700">
                  {t('due')} <DateTime value={dueAt(item.entry.data)} />
                </p>
              )}
              {item.entry.data !== null && item.entry.data !== undefined && (
                <details className="mt-1">
                  <summary className="cursor-pointer text-xs text-slate-600">{t('details')}</summary>
                  <JsonView value={item.entry.data} label={t('details')} />
                </details>
              )}
            </>
          ) : (
            <div className="mt-1 space-y-1">
              {item.delivery.error && <p className="text-sm text-red-700">{item.delivery.error}</p>}
              <details>
                <summary className="cursor-pointer text-xs text-slate-600">{t('request_response')}</summary>
                <div className="grid gap-2 md:grid-cols-2">
                  <JsonView value={item.delivery.request} label={t('request')} />
                  <JsonView value={item.delivery.response} label={t('response')} />
                </div>
              </details>
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}

/** A wait's due time, when the log entry's data carries one. */
function dueAt(data: unknown): string | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  const value = d.wake_at ?? d.due_at ?? d.until;
  return typeof value === 'string' ? value : null;
}
