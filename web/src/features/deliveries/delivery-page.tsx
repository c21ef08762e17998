import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/query-keys';
import { useCan } from '../../api/session';
import { StatusBadge } from '../../ui/status-badge';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { DateTime } from '../../ui/date-time';
import { ErrorState } from '../../ui/error-state';
import { JsonView } from '../../ui/json-view';
import { PageHeader } from '../../ui/page-header';
import { LoadingRows } from '../../ui/skeleton';
import { calendarOf, deliveryQuery, retryDelivery } from './deliveries-api';
import { useChannelName } from '../../ui/channel-name';

export function DeliveryPage() {
  const { t } = useTranslation('deliveries');
  const channelName = useChannelName();
  const { deliveryId } = useParams({ strict: false }) as { deliveryId: string };
  const canRetry = useCan('admin');
  const queryClient = useQueryClient();
  const delivery = useQuery(deliveryQuery(deliveryId));
  const retry = useMutation({
    mutationFn: () => retryDelivery(deliveryId),
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: queryKeys.deliveries.all() }), queryClient.invalidateQueries({ queryKey: queryKeys.sessions.all() })]),
  });
  if (delivery.isPending) return <LoadingRows rows={6} />;
  if (delivery.isError) return <ErrorState error={delivery.error} onRetry={() => void delivery.refetch()} />;
  const d = delivery.data;
  const calendar = calendarOf(d.request);
  return (
    <div>
      <PageHeader
        title={t('delivery_title', { channel: channelName(d.channel) })}
        description={<code>{d.id}</code>}
        actions={
          canRetry &&
          d.status === 'failed' && (
            <Button variant="primary" disabled={retry.isPending} onClick={() => retry.mutate()}>
              {t('retry')}
            </Button>
          )
        }
      />
      {retry.isError && (
        <div className="mb-4">
          <ErrorState error={retry.error} title={t('retry_failed')} />
        </div>
      )}
      {retry.isSuccess && (
        <p role="status" className="mb-4 text-sm text-emerald-800">
          {t('retried')}
        </p>
      )}
      <div className="grid gap-6">
        <Card title={t('summary')}>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm sm:grid-cols-[auto_1fr_auto_1fr]">
            <dt className="text-slate-600">{t('col_status')}</dt>
            <dd>
              <StatusBadge status={d.status} />
            </dd>
            <dt className="text-slate-600">{t('col_time')}</dt>
            <dd>
              <DateTime value={d.created_at} />
            </dd>
            <dt className="text-slate-600">{t('col_step')}</dt>
            <dd className="font-mono text-xs">{d.step_id}</dd>
            <dt className="text-slate-600">{t('col_attempt')}</dt>
            <dd>{d.attempt}</dd>
            <dt className="text-slate-600">{t('session')}</dt>
            <dd>
              <Link to="/sessions/$sessionId" params={{ sessionId: d.session_id }} className="font-mono text-xs text-indigo-700 hover:underline">
                {d.session_id}
              </Link>
            </dd>
            <dt className="text-slate-600">{t('duration')}</dt>
            <dd>{d.duration_ms === null ? '—' : t('ms', { ms: d.duration_ms })}</dd>
          </dl>
          {d.error && (
            <div className="mt-4 rounded-md bg-red-50 p-3 text-sm text-red-800">
              <p className="font-medium">{t('why_failed')}</p>
              <p className="mt-1 break-words">{d.error}</p>
            </div>
          )}
        </Card>
        <div className="grid gap-6 lg:grid-cols-2">
          <Card title={t('request')}>
            <JsonView value={d.request} label={t('request')} />
          </Card>
          <Card title={t('response')}>
            <JsonView value={d.response} label={t('response')} />
          </Card>
        </div>
        {calendar && (
          <Card title={t('calendar')}>
            <JsonView value={calendar} label={t('calendar')} />
          </Card>
        )}
      </div>
    </div>
  );
}
