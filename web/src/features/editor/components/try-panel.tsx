/** "Try it": a dry run of the saved flow for the sample booking or a stored event, as a timeline; the canvas shows it on the nodes too. */
import type { UseMutationResult } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateTime, formatDateTime, useFormat } from '../../../ui/date-time';
import type { TimelineEntry } from '../api/flow-api';
import { ErrorNote, JsonBlock } from './step-preview';
import { TRIAL_ACTION_LABELS, trialReason } from './trial-labels';

export type DryRunMutation = UseMutationResult<{ timeline: TimelineEntry[] }, Error, { event_id?: string }>;

export function TryPanel({ dryRun, dirty, onClear }: { dryRun: DryRunMutation; dirty: boolean; onClear(): void }) {
  const { t } = useTranslation('editor');
  const format = useFormat();
  const [eventId, setEventId] = useState('');
  return (
    <div className="flex h-full flex-col gap-3 overflow-y-auto p-3">
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          dryRun.mutate(eventId ? { event_id: eventId } : {});
        }}
      >
        <label className="flex flex-col gap-1 text-sm text-slate-800">
          {t('preview.eventId')}
          <input
            type="text"
            value={eventId}
            placeholder={t('preview.sampleBooking')}
            onChange={(e) => setEventId(e.target.value.trim())}
            className="w-72 rounded border border-slate-300 px-2 py-1 font-mono text-sm focus:outline-2 focus:outline-blue-600"
          />
        </label>
        <button type="submit" disabled={dryRun.isPending} className="rounded bg-violet-700 px-3 py-1.5 text-sm text-white hover:bg-violet-600 focus:outline-2 focus:outline-offset-2 focus:outline-blue-600 disabled:opacity-50">
          {dryRun.isPending ? t('trial.running') : t('trial.run')}
        </button>
        {dryRun.data ? (
          <button type="button" onClick={onClear} className="rounded px-3 py-1.5 text-sm hover:bg-slate-100 focus:outline-2 focus:outline-blue-600">
            {t('trial.clear')}
          </button>
        ) : null}
      </form>
      {dirty ? <p className="text-xs text-amber-800">{t('trial.savedVersionOnly')}</p> : null}
      <ErrorNote error={dryRun.error} />
      {dryRun.data ? (
        <ol aria-label={t('trial.timeline')} className="flex flex-col gap-2 border-l-2 border-violet-300 pl-3">
          {dryRun.data.timeline.map((entry, i) => (
            <li key={i} className="text-sm">
              <span className="font-medium text-slate-900">{t(TRIAL_ACTION_LABELS[entry.action])}</span>
              {entry.step_id ? <span className="ml-2 font-mono text-xs text-slate-600">{entry.step_id}</span> : null}
              <span className="ml-2 text-xs text-slate-600">
                <DateTime value={entry.at} />
              </span>
              {typeof entry.detail.reason === 'string' ? <SkipReason reason={entry.detail.reason} /> : null}
              {typeof entry.detail.took === 'string' ? <p className="text-sm text-slate-700">{t('trial.took', { branch: entry.detail.took })}</p> : null}
              {typeof entry.detail.until === 'string' ? <p className="text-sm text-slate-700">{t('trial.until', { time: formatDateTime(entry.detail.until, format) })}</p> : null}
              {entry.action === 'send' ? (
                <details>
                  <summary className="cursor-pointer text-xs text-slate-700">{t('trial.request', { channel: String(entry.detail.channel ?? '') })}</summary>
                  <JsonBlock value={entry.detail.request} label={t('preview.request')} />
                </details>
              ) : null}
            </li>
          ))}
        </ol>
      ) : (
        <p className="text-sm text-slate-700">{t('trial.intro')}</p>
      )}
    </div>
  );
}

/** Why a dry run stopped, in the UI language; the server's English wording as its tooltip. */
function SkipReason({ reason }: { reason: string }) {
  const { t } = useTranslation('editor');
  const known = trialReason(reason);
  return (
    <p className="text-sm text-amber-900" title={known ? reason : undefined}>
      {known ? t(known.key, known.values) : reason}
    </p>
  );
}
