import { queryOptions, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { useMe } from '../../api/session';
import { Card } from '../../ui/card';
import { DateTime } from '../../ui/date-time';
import { EmptyState } from '../../ui/empty-state';
import { ErrorState } from '../../ui/error-state';
import { PageHeader } from '../../ui/page-header';
import { LoadingRows } from '../../ui/skeleton';

interface Overview {
  scheduled: { today: number; tomorrow: number };
  sends_7d: { sent: number; failed: number; skipped: number };
  needs_attention: Array<{ kind: 'delivery_failed' | 'session_failed'; id: string; flow_id: string; flow_name: string; at: string; message: string }>;
  plan: { plan: string; flow_limit: number | null; live_flows: number };
  timezone: string;
}

const overviewQuery = queryOptions({
  queryKey: queryKeys.overview(),
  queryFn: async () => (await api<{ data: Overview }>('/v1/overview')).data,
});

function Stat({ label, value }: { label: string; value: number | string }) {
  return (
    <div>
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold text-slate-900 tabular-nums">{value}</dd>
    </div>
  );
}

export function HomePage() {
  const { t } = useTranslation('home');
  const me = useMe();
  const overview = useQuery(overviewQuery);
  return (
    <div>
      <PageHeader title={t('title')} description={t('welcome', { name: me.user.name || me.user.email })} />
      {overview.isPending ? (
        <LoadingRows rows={6} />
      ) : overview.isError ? (
        <ErrorState error={overview.error} onRetry={() => void overview.refetch()} />
      ) : (
        <div className="grid gap-6">
          <div className="grid gap-6 md:grid-cols-3">
            <Card title={t('scheduled')}>
              <dl className="grid grid-cols-2 gap-4">
                <Stat label={t('today')} value={overview.data.scheduled.today} />
                <Stat label={t('tomorrow')} value={overview.data.scheduled.tomorrow} />
              </dl>
            </Card>
            <Card title={t('sends_7d')}>
              <dl className="grid grid-cols-3 gap-4">
                <Stat label={t('sent')} value={overview.data.sends_7d.sent} />
                <Stat label={t('failed')} value={overview.data.sends_7d.failed} />
                <Stat label={t('skipped')} value={overview.data.sends_7d.skipped} />
              </dl>
            </Card>
            <Card title={t('plan')}>
              <dl className="grid grid-cols-2 gap-4">
                <Stat label={t('plan_name')} value={overview.data.plan.plan} />
                <Stat
                  label={t('live_flows')}
                  value={overview.data.plan.flow_limit === null ? overview.data.plan.live_flows : t('of', { n: overview.data.plan.live_flows, limit: overview.data.plan.flow_limit })}
                />
              </dl>
            </Card>
          </div>
          <Card title={t('needs_attention')}>
            {overview.data.needs_attention.length === 0 ? (
              <EmptyState title={t('all_good')} />
            ) : (
              <ul className="divide-y divide-slate-100">
                {overview.data.needs_attention.map((item) => (
                  <li key={`${item.kind}-${item.id}`} className="flex flex-wrap items-baseline justify-between gap-2 py-2 text-sm">
                    <div className="min-w-0">
                      {item.kind === 'delivery_failed' ? (
                        <Link to="/deliveries/$deliveryId" params={{ deliveryId: item.id }} className="font-medium text-indigo-700 hover:underline">
                          {t('delivery_failed', { flow: item.flow_name })}
                        </Link>
                      ) : (
                        <Link to="/sessions/$sessionId" params={{ sessionId: item.id }} className="font-medium text-indigo-700 hover:underline">
                          {t('session_failed', { flow: item.flow_name })}
                        </Link>
                      )}
                      <p className="break-words text-slate-700">{item.message}</p>
                    </div>
                    <span className="text-slate-600">
                      <DateTime value={item.at} />
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      )}
    </div>
  );
}
