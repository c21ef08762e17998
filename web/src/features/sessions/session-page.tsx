import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/query-keys';
import { Badge, statusTone } from '../../ui/badge';
import { ConfirmButton } from '../../ui/confirm-button';
import { Card } from '../../ui/card';
import { DateTime } from '../../ui/date-time';
import { ErrorState } from '../../ui/error-state';
import { PageHeader } from '../../ui/page-header';
import { LoadingRows } from '../../ui/skeleton';
import { SESSION_STATUS_LABEL } from './session-labels';
import { SessionTimeline } from './session-timeline';
import { flowNamesQuery, isOpen, sessionQuery, stopSession } from './sessions-api';

export function SessionPage() {
  const { t } = useTranslation('sessions');
  const { sessionId } = useParams({ strict: false }) as { sessionId: string };
  const queryClient = useQueryClient();
  const session = useQuery(sessionQuery(sessionId));
  const flowNames = useQuery(flowNamesQuery);
  const stop = useMutation({
    mutationFn: () => stopSession(sessionId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.sessions.all() }),
  });
  if (session.isPending) return <LoadingRows rows={6} />;
  if (session.isError) return <ErrorState error={session.error} onRetry={() => void session.refetch()} />;
  const s = session.data;
  return (
    <div>
      <PageHeader
        title={t('session_title')}
        description={<code>{s.id}</code>}
        actions={
          isOpen(s.status) && (
            <ConfirmButton disabled={stop.isPending} question={t('stop_confirm')} onConfirm={() => stop.mutate()}>
              {t('stop')}
            </ConfirmButton>
          )
        }
      />
      {stop.isError && (
        <div className="mb-4">
          <ErrorState error={stop.error} title={t('stop_failed')} />
        </div>
      )}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
        <Card title={t('summary')}>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
            <dt className="text-slate-600">{t('col_status')}</dt>
            <dd>
              <Badge tone={statusTone(s.status)}>{SESSION_STATUS_LABEL[s.status] ? t(SESSION_STATUS_LABEL[s.status]!) : s.status}</Badge>
            </dd>
            <dt className="text-slate-600">{t('col_flow')}</dt>
            <dd>
              <Link to="/flows/$flowId" params={{ flowId: s.flow_id }} className="text-indigo-700 hover:underline">
                {flowNames.data?.get(s.flow_id) ?? s.flow_id}
              </Link>{' '}
              <span className="text-slate-600">v{s.flow_version}</span>
            </dd>
            <dt className="text-slate-600">{t('col_step')}</dt>
            <dd className="font-mono text-xs">{s.step_id ?? '—'}</dd>
            <dt className="text-slate-600">{t('contact')}</dt>
            <dd>
              {s.contact_id ? (
                <Link to="/contacts/$contactId" params={{ contactId: s.contact_id }} className="text-indigo-700 hover:underline">
                  {s.contact_id}
                </Link>
              ) : (
                '—'
              )}
            </dd>
            <dt className="text-slate-600">{t('appointment')}</dt>
            <dd>
              {s.appointment_id ? (
                <Link to="/appointments/$appointmentId" params={{ appointmentId: s.appointment_id }} className="text-indigo-700 hover:underline">
                  {s.appointment_id}
                </Link>
              ) : (
                '—'
              )}
            </dd>
            <dt className="text-slate-600">{t('wakes')}</dt>
            <dd>
              <DateTime value={s.wake_at} />
            </dd>
            <dt className="text-slate-600">{t('col_started')}</dt>
            <dd>
              <DateTime value={s.created_at} />
            </dd>
            <dt className="text-slate-600">{t('ended')}</dt>
            <dd>
              <DateTime value={s.ended_at} /> {s.end_reason && <span className="text-slate-700">({s.end_reason})</span>}
            </dd>
          </dl>
        </Card>
        <Card title={t('timeline')}>
          <SessionTimeline timeline={s.timeline} deliveries={s.deliveries} />
        </Card>
      </div>
    </div>
  );
}
