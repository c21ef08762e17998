import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../api/session';
import { Card } from '../../ui/card';
import { ErrorState } from '../../ui/error-state';
import { PageHeader } from '../../ui/page-header';
import { LoadingRows } from '../../ui/skeleton';
import { AttentionList } from './attention-list';
import { overviewQuery } from './home-api';
import { UpcomingList } from './upcoming-list';

const SEE_ALL = 'text-sm font-medium text-indigo-700 hover:underline';

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
          <Card
            title={t('upcoming')}
            actions={
              overview.data.upcoming.length < overview.data.scheduled.today + overview.data.scheduled.tomorrow && (
                <Link to="/sessions" search={{ status: 'waiting' }} className={SEE_ALL}>
                  {t('see_all_waiting')}
                </Link>
              )
            }
          >
            <UpcomingList items={overview.data.upcoming} />
          </Card>
          <Card
            title={t('needs_attention')}
            actions={
              <Link to="/deliveries" search={{ status: 'failed' }} className={SEE_ALL}>
                {t('see_all_failed')}
              </Link>
            }
          >
            <AttentionList items={overview.data.needs_attention} />
          </Card>
        </div>
      )}
    </div>
  );
}
