/**
 * A send step rendered by the server against the sample booking (or a stored event), and a test
 * send. The server renders the saved version, so with unsaved changes the panel says so.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StepKind } from '../../../../../src/core/flow-definition';
import { ApiError } from '../../../api/client';
import { errorCodeText, issueText } from '../../../i18n/server-messages';
import { editorKeys } from '../api/editor-query-keys';
import { editorQueries, flowApi } from '../api/flow-api';
import { isDirty } from '../store/editor-store';
import type { StepPath } from '../store/step-paths';
import { useEditor } from './editor-context';
import { stepIdsByPath } from './flow-canvas';

export function ErrorNote({ error }: { error: unknown }) {
  const { t } = useTranslation('editor');
  if (!error) return null;
  const message = error instanceof ApiError ? errorCodeText(error.code, error.status) : t('errors.network');
  const where = error instanceof ApiError ? error.details.map((d) => (d.path ? `${d.path}: ${issueText(d)}` : issueText(d))) : [];
  return (
    <div role="alert" className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-800">
      <p title={error instanceof ApiError ? error.message : undefined}>{message}</p>
      {where.length ? (
        <ul className="text-xs">
          {where.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <pre aria-label={label} tabIndex={0} className="max-h-64 overflow-auto rounded bg-slate-900 p-2 text-xs text-slate-100 focus:outline-2 focus:outline-blue-600">
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

export function StepPreview({ flowId, path, kind }: { flowId: string; path: StepPath; kind: StepKind }) {
  const { t } = useTranslation('editor');
  const stepId = useEditor((s) => stepIdsByPath(s.document).get(path));
  const dirty = useEditor(isDirty);
  const flow = useQuery(editorQueries.flow(flowId));
  const [eventId, setEventId] = useState('');
  const [target, setTarget] = useState('');
  const version = flow.data?.version ?? 0;
  const preview = useQuery({
    queryKey: editorKeys.preview(flowId, version, stepId ?? '', eventId),
    queryFn: () => flowApi.preview(flowId, { step_id: stepId!, ...(eventId ? { event_id: eventId } : {}) }),
    enabled: Boolean(stepId && flow.data),
    retry: false,
  });
  const test = useMutation({
    mutationFn: () =>
      flowApi.testSend(flowId, {
        step_id: stepId!,
        ...(kind === 'email' && target ? { to: target } : {}),
        ...(kind === 'webhook' && target ? { url: target } : {}),
        ...(eventId ? { event_id: eventId } : {}),
      }),
  });
  const request = preview.data?.request as Record<string, unknown> | undefined;
  const html = typeof request?.html === 'string' ? request.html : null;
  return (
    <section aria-labelledby="preview-title" className="flex flex-col gap-2 rounded border border-slate-200 p-2">
      <h3 id="preview-title" className="text-sm font-semibold text-slate-900">
        {t('preview.title')}
      </h3>
      {dirty ? <p className="text-xs text-amber-800">{t('preview.savedVersionOnly')}</p> : null}
      <label className="flex flex-col gap-1 text-sm text-slate-800">
        {t('preview.eventId')}
        <input
          type="text"
          value={eventId}
          placeholder={t('preview.sampleBooking')}
          onChange={(e) => setEventId(e.target.value.trim())}
          className="rounded border border-slate-300 px-2 py-1 font-mono text-sm focus:outline-2 focus:outline-blue-600"
        />
      </label>
      {preview.isLoading ? <p className="animate-pulse text-sm text-slate-600">{t('preview.loading')}</p> : null}
      <ErrorNote error={preview.error} />
      {html !== null ? <iframe title={t('preview.htmlFrame')} sandbox="" srcDoc={html} className="h-48 w-full rounded border border-slate-200 bg-white" /> : null}
      {request ? <JsonBlock value={request} label={t('preview.request')} /> : null}
      <form
        className="flex flex-col gap-1"
        onSubmit={(e) => {
          e.preventDefault();
          test.mutate();
        }}
      >
        {kind === 'email' || kind === 'webhook' ? (
          <label className="flex flex-col gap-1 text-sm text-slate-800">
            {kind === 'email' ? t('preview.testTo') : t('preview.testUrl')}
            <input
              type={kind === 'email' ? 'email' : 'url'}
              required={kind === 'email'}
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              className="rounded border border-slate-300 px-2 py-1 text-sm focus:outline-2 focus:outline-blue-600"
            />
          </label>
        ) : null}
        <button
          type="submit"
          disabled={!stepId || test.isPending}
          className="self-start rounded bg-slate-800 px-3 py-1 text-sm text-white hover:bg-slate-700 focus:outline-2 focus:outline-offset-2 focus:outline-blue-600 disabled:opacity-50"
        >
          {test.isPending ? t('preview.sending') : t('preview.sendTest')}
        </button>
      </form>
      <ErrorNote error={test.error} />
      {test.data ? (
        <div role="status" className={`rounded p-2 text-sm ${test.data.ok ? 'bg-green-50 text-green-900' : 'bg-red-50 text-red-800'}`}>
          {test.data.ok ? t('preview.testSent') : t('preview.testFailed', { message: test.data.error ?? '' })}
        </div>
      ) : null}
      {test.data ? <JsonBlock value={test.data.response} label={t('preview.response')} /> : null}
    </section>
  );
}
