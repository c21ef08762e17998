import { useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { Download } from 'lucide-react';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { Card } from '../../ui/card';
import { formatDateTime, useFormat } from '../../ui/date-time';
import { EmptyState } from '../../ui/empty-state';
import { ErrorState } from '../../ui/error-state';
import { Field } from '../../ui/field';
import { Select } from '../../ui/input';
import { PageHeader } from '../../ui/page-header';
import { LoadingRows } from '../../ui/skeleton';
import { Table, Td, Tr } from '../../ui/table';
import { analyticsQuery, csvHref, PERIODS, periodParams, type Period } from './analytics-api';

const PERIOD_LABEL = { '24h': 'period_24h', '7d': 'period_7d', '30d': 'period_30d', '90d': 'period_90d' } as const;

export function AnalyticsPage() {
  const { t } = useTranslation('analytics');
  const format = useFormat();
  const search = useSearch({ strict: false }) as { period?: string; flow_id?: string };
  const navigate = useNavigate();
  const period: Period = search.period && search.period in PERIODS ? (search.period as Period) : '7d';
  // The window is fixed when the period or flow changes, so the query key stays stable while the page is open.
  const params = useMemo(() => periodParams(period, Date.now(), search.flow_id), [period, search.flow_id]);
  const analytics = useQuery(analyticsQuery(params));
  const flows = useQuery({
    queryKey: queryKeys.flows.list(),
    queryFn: async () => (await api<{ data: Array<{ id: string; name: string }> }>('/v1/flows')).data,
  });
  const series = analytics.data?.series.map((s) => ({
    ...s,
    label: formatDateTime(s.at, format, params.interval === 'hour' ? 'datetime' : 'date'),
  }));
  const pct = (rate: number | null) => (rate === null ? '—' : new Intl.NumberFormat(format.locale, { style: 'percent', maximumFractionDigits: 1 }).format(rate));
  const go = (next: { period?: string; flow_id?: string }) => void navigate({ to: '/analytics', search: Object.fromEntries(Object.entries({ period, flow_id: search.flow_id, ...next }).filter(([, v]) => v)) });

  return (
    <div>
      <PageHeader
        title={t('title')}
        actions={
          <a href={csvHref(params)} download className="inline-flex h-9 items-center gap-1.5 rounded-md border border-slate-300 bg-white px-3.5 text-sm font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
            <Download size={16} aria-hidden="true" />
            {t('export_csv')}
          </a>
        }
      />
      <div className="mb-4 flex flex-wrap gap-4">
        <Field label={t('period')}>
          <Select value={period} onChange={(e) => go({ period: e.target.value })}>
            {(Object.keys(PERIODS) as Period[]).map((p) => (
              <option key={p} value={p}>
                {t(PERIOD_LABEL[p])}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t('flow')}>
          <Select value={search.flow_id ?? ''} onChange={(e) => go({ flow_id: e.target.value || undefined })}>
            <option value="">{t('all_flows')}</option>
            {flows.data?.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      {analytics.isPending ? (
        <LoadingRows rows={8} />
      ) : analytics.isError ? (
        <ErrorState error={analytics.error} onRetry={() => void analytics.refetch()} />
      ) : (
        <div className="grid gap-6">
          <dl className="grid grid-cols-2 gap-4 md:grid-cols-5">
            {[
              [t('started'), analytics.data.totals.sessions_started],
              [t('completed'), analytics.data.totals.sessions_completed],
              [t('sent'), analytics.data.totals.sent],
              [t('failed'), analytics.data.totals.failed],
              [t('completion_rate'), pct(analytics.data.totals.completion_rate)],
            ].map(([label, value]) => (
              <div key={String(label)} className="rounded-lg border border-slate-200 bg-white p-4">
                <dt className="text-sm text-slate-600">{label}</dt>
                <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
              </div>
            ))}
          </dl>
          {series && series.length > 0 ? (
            <div className="grid gap-6 xl:grid-cols-2">
              <Card title={t('sessions_over_time')}>
                <div className="h-72" role="img" aria-label={t('sessions_chart_label')}>
                  <ResponsiveContainer width="100%" height="100%">
                    <LineChart data={series}>
                      <CartesianGrid stroke="#e2e8f0" />
                      <XAxis dataKey="label" tick={{ fontSize: 12, fill: '#475569' }} />
                      <YAxis allowDecimals={false} tick={{ fontSize: 12, fill: '#475569' }} />
                      <Tooltip />
                      <Legend />
                      <Line type="monotone" dataKey="sessions_started" name={t('started')} stroke="#4f46e5" dot={false} />
                      <Line type="monotone" dataKey="sessions_completed" name={t('completed')} stroke="#059669" dot={false} />
                      <Line type="monotone" dataKey="sessions_failed" name={t('failed_sessions')} stroke="#dc2626" dot={false} />
                    </LineChart>
                  </ResponsiveContainer>
                </div>
              </Card>
              <Card title={t('sends_over_time')}>
                <div className="h-72" role="img" aria-label={t('sends_chart_label')}>
                  <ResponsiveContainer width="100%" height="100%">
                    <BarChart data={series}>
                      <CartesianGrid stroke="#e2e8f0" />
                      <XAxis dataKey="label" tick={{ fontSize: 12, fill: '#475569' }} />
                      <YAxis allowDecimals={false} tick={{ fontSize: 12, fill: '#475569' }} />
                      <Tooltip />
                      <Legend />
                      <Bar dataKey="sent" name={t('sent')} stackId="s" fill="#4f46e5" />
                      <Bar dataKey="failed" name={t('failed')} stackId="s" fill="#dc2626" />
                      <Bar dataKey="skipped" name={t('skipped')} stackId="s" fill="#d97706" />
                    </BarChart>
                  </ResponsiveContainer>
                </div>
              </Card>
            </div>
          ) : (
            <EmptyState title={t('no_data')} />
          )}
          <Table caption={t('per_flow')} columns={[t('flow'), t('started'), t('completed'), t('failed_sessions'), t('sent'), t('failed'), t('skipped'), t('completion_rate')]}>
            <tbody>
              {analytics.data.flows.map((f) => (
                <Tr key={f.flow_id}>
                  <Td className="font-medium">{f.name}</Td>
                  <Td>{f.sessions_started}</Td>
                  <Td>{f.sessions_completed}</Td>
                  <Td>{f.sessions_failed}</Td>
                  <Td>{f.sent}</Td>
                  <Td>{f.failed}</Td>
                  <Td>{f.skipped}</Td>
                  <Td>{pct(f.completion_rate)}</Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
    </div>
  );
}
