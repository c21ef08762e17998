import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { StatusBadge } from '../../ui/status-badge';
import { Card } from '../../ui/card';
import { DateTime } from '../../ui/date-time';
import { ErrorState } from '../../ui/error-state';
import { JsonView } from '../../ui/json-view';
import { PageHeader } from '../../ui/page-header';
import { LoadingRows } from '../../ui/skeleton';
import { Tabs } from '../../ui/tabs';
import { DeliveriesPanel, EventsPanel, SchedulePanel, SessionsPanel } from './record-panels';
import { appointmentEventsQuery, appointmentQuery, appointmentScheduleQuery } from './records-api';

const SHOWN = new Set(['id', 'external_id', 'contact_id', 'status', 'start_at', 'end_at', 'timezone', 'revision', 'created_at', 'updated_at']);

export function AppointmentPage() {
  const { t } = useTranslation('contacts');
  const { appointmentId } = useParams({ strict: false }) as { appointmentId: string };
  const appointment = useQuery(appointmentQuery(appointmentId));
  const id = appointment.data?.id ?? appointmentId;
  const schedule = useQuery({ ...appointmentScheduleQuery(id), enabled: appointment.isSuccess });
  const events = useQuery({ ...appointmentEventsQuery(id), enabled: appointment.isSuccess });
  if (appointment.isPending) return <LoadingRows rows={6} />;
  if (appointment.isError) return <ErrorState error={appointment.error} onRetry={() => void appointment.refetch()} />;
  const a = appointment.data;
  const other = Object.fromEntries(Object.entries(a).filter(([k, v]) => !SHOWN.has(k) && v !== null && v !== undefined));
  return (
    <div>
      <PageHeader title={t('appointment_title', { id: a.external_id })} description={<code>{a.id}</code>} />
      <div className="grid gap-6 2xl:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
        <Card title={t('details')}>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
            <dt className="text-slate-600">{t('col_status')}</dt>
            <dd>
              <StatusBadge status={a.status} />
            </dd>
            <dt className="text-slate-600">{t('col_start')}</dt>
            <dd>
              <DateTime value={a.start_at} />
            </dd>
            <dt className="text-slate-600">{t('col_end')}</dt>
            <dd>
              <DateTime value={a.end_at} />
            </dd>
            <dt className="text-slate-600">{t('contact')}</dt>
            <dd>
              {a.contact_id ? (
                <Link to="/contacts/$contactId" params={{ contactId: a.contact_id }} className="text-indigo-700 hover:underline">
                  {a.contact_id}
                </Link>
              ) : (
                '—'
              )}
            </dd>
            <dt className="text-slate-600">{t('revision')}</dt>
            <dd>{a.revision}</dd>
          </dl>
          <h3 className="mt-4 mb-2 text-sm font-semibold text-slate-800">{t('properties')}</h3>
          <JsonView value={other} label={t('properties')} />
        </Card>
        <div className="min-w-0">
          <Tabs
            label={t('sections')}
            tabs={[
              { value: 'schedule', label: t('schedule'), content: <SchedulePanel query={schedule} /> },
              { value: 'events', label: t('tab_events'), content: <EventsPanel query={events} /> },
              { value: 'flows', label: t('tab_flows'), content: <SessionsPanel filters={{ appointment_id: a.id }} /> },
              { value: 'deliveries', label: t('tab_deliveries'), content: <DeliveriesPanel filters={{ appointment_id: a.id }} /> },
            ]}
          />
        </div>
      </div>
    </div>
  );
}
