import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ListTable } from '../../ui/list-panel';
import { Card } from '../../ui/card';
import { DateTime } from '../../ui/date-time';
import { ErrorState } from '../../ui/error-state';
import { JsonView } from '../../ui/json-view';
import { PageHeader } from '../../ui/page-header';
import { LoadingRows } from '../../ui/skeleton';
import { Tr } from '../../ui/table';
import { Tabs } from '../../ui/tabs';
import { AppointmentCells } from './appointment-cells';
import { ContactRightsActions } from './contact-rights';
import { DeliveriesPanel, SchedulePanel, SessionsPanel } from './record-panels';
import { appointmentsQuery, contactQuery, contactScheduleQuery } from './records-api';

export function ContactPage() {
  const { t } = useTranslation('contacts');
  const { contactId } = useParams({ strict: false }) as { contactId: string };
  const contact = useQuery(contactQuery(contactId));
  const schedule = useQuery(contactScheduleQuery(contactId));
  if (contact.isPending) return <LoadingRows rows={6} />;
  if (contact.isError) return <ErrorState error={contact.error} onRetry={() => void contact.refetch()} />;
  const c = contact.data;
  const name = c.name || [c.first_name, c.last_name].filter(Boolean).join(' ') || c.email || c.id;
  const fields: Array<[string, string | null]> = [
    [t('col_email'), c.email],
    [t('col_phone'), c.phone],
    [t('col_external_id'), c.external_id],
    [t('language'), c.language],
    [t('timezone'), c.timezone],
  ];
  return (
    <div>
      <PageHeader title={name} description={<code>{c.id}</code>} actions={<ContactRightsActions contactId={c.id} />} />
      <div className="grid gap-6 2xl:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
        <Card title={t('profile')}>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
            {fields.map(([label, value]) => (
              <div key={label} className="contents">
                <dt className="text-slate-600">{label}</dt>
                <dd className="break-all">{value ?? '—'}</dd>
              </div>
            ))}
            <dt className="text-slate-600">{t('col_updated')}</dt>
            <dd>
              <DateTime value={c.updated_at} />
            </dd>
          </dl>
          <h3 className="mt-4 mb-2 text-sm font-semibold text-slate-800">{t('attributes')}</h3>
          {Object.keys(c.attributes).length === 0 ? <p className="text-sm text-slate-600">{t('no_attributes')}</p> : <JsonView value={c.attributes} label={t('attributes')} />}
        </Card>
        <div className="min-w-0">
          <Tabs
            label={t('sections')}
            tabs={[
              { value: 'upcoming', label: t('tab_upcoming'), content: <SchedulePanel query={schedule} /> },
              { value: 'appointments', label: t('tab_appointments'), content: <ContactAppointments contactId={c.id} /> },
              { value: 'deliveries', label: t('tab_deliveries'), content: <DeliveriesPanel filters={{ contact_id: c.id }} /> },
              { value: 'flows', label: t('tab_flows'), content: <SessionsPanel filters={{ contact_id: c.id }} /> },
            ]}
          />
        </div>
      </div>
    </div>
  );
}

function ContactAppointments({ contactId }: { contactId: string }) {
  const { t } = useTranslation('contacts');
  const appointments = useInfiniteQuery(appointmentsQuery({ contact_id: contactId }));
  const rows = appointments.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <ListTable
      query={appointments}
      rows={rows}
      empty={t('appointments_empty')}
      loadingRows={3}
      caption={t('tab_appointments')}
      columns={[t('col_start'), t('col_status'), t('col_external_id')]}
      row={(a) => (
        <Tr key={a.id}>
          <AppointmentCells appointment={a} />
        </Tr>
      )}
    />
  );
}
