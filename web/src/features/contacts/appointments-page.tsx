import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ListPanel } from '../../ui/list-panel';
import { useStatusLabel } from '../../ui/status-badge';
import { Button } from '../../ui/button';
import { Field } from '../../ui/field';
import { Input, Select } from '../../ui/input';
import { PageHeader } from '../../ui/page-header';
import { Table, Td, Tr } from '../../ui/table';
import { useDebouncedValue } from '../../ui/use-debounced-value';
import { AppointmentCells } from './appointment-cells';
import { appointmentsQuery } from './records-api';

const STATUSES = ['booked', 'canceled', 'completed', 'checked_in', 'no_show'] as const;

export function AppointmentsPage() {
  const { t } = useTranslation('contacts');
  const search = useSearch({ strict: false }) as { status?: string; contact_id?: string; q?: string };
  const navigate = useNavigate();
  const statusLabel = useStatusLabel();
  const [status, setStatus] = useState(search.status ?? '');
  const [text, setText] = useState(search.q ?? '');
  const [open, setOpen] = useState('');
  const settled = useDebouncedValue(text.trim());
  const filters = { ...(search.status ? { status: search.status } : {}), ...(search.contact_id ? { contact_id: search.contact_id } : {}), ...(search.q ? { q: search.q } : {}) };
  const appointments = useInfiniteQuery(appointmentsQuery(filters));
  const rows = appointments.data?.pages.flatMap((p) => p.data) ?? [];
  const show = (next: { status?: string; q?: string }, replace = false) =>
    void navigate({ to: '/appointments', search: { ...(search.contact_id ? { contact_id: search.contact_id } : {}), ...(next.status ? { status: next.status } : {}), ...(next.q ? { q: next.q } : {}) }, replace });

  // The search follows typing once it pauses, kept in the URL so a search can be shared or reloaded.
  // Only a pause in typing moves the URL (not a URL change, so Back is not undone).
  useEffect(() => {
    if (settled !== (search.q ?? '')) show({ status: search.status, q: settled }, true);
  }, [settled]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    show({ status, q: text.trim() });
  };

  return (
    <div>
      <PageHeader title={t('appointments_title')} />
      <div className="mb-4 grid gap-4 lg:grid-cols-[2fr_1fr]">
        <form onSubmit={apply} className="grid items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3">
          <Field label={t('col_status')}>
            <Select value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">{t('any')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {statusLabel(s)}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t('appointment_search')}>
            <Input type="search" value={text} onChange={(e) => setText(e.target.value)} />
          </Field>
          <Button type="submit" variant="primary">
            {t('apply')}
          </Button>
        </form>
        <form
          role="search"
          className="flex items-end gap-2 rounded-lg border border-slate-200 bg-white p-4"
          onSubmit={(e) => {
            e.preventDefault();
            if (open.trim()) void navigate({ to: '/appointments/$appointmentId', params: { appointmentId: open.trim() } });
          }}
        >
          <div className="flex-1">
            <Field label={t('open_appointment')}>
              <Input value={open} onChange={(e) => setOpen(e.target.value)} />
            </Field>
          </div>
          <Button type="submit">{t('open')}</Button>
        </form>
      </div>
      <ListPanel query={appointments} rows={rows} empty={t('appointments_empty')}>
        {(rows) => (
          <>
            <Table caption={t('appointments_title')} columns={[t('col_start'), t('col_status'), t('col_external_id'), t('contact'), t('revision')]}>
              <tbody>
                {rows.map((a) => (
                  <Tr key={a.id}>
                    <AppointmentCells appointment={a} />
                    <Td className="font-mono text-xs">
                      {a.contact_id ? (
                        <Link to="/contacts/$contactId" params={{ contactId: a.contact_id }} className="text-indigo-700 hover:underline">
                          {a.contact_id}
                        </Link>
                      ) : (
                        '—'
                      )}
                    </Td>
                    <Td>{a.revision}</Td>
                  </Tr>
                ))}
              </tbody>
            </Table>
            {appointments.hasNextPage && (
              <Button className="mt-4" disabled={appointments.isFetchingNextPage} onClick={() => void appointments.fetchNextPage()}>
                {t('load_more')}
              </Button>
            )}
          </>
        )}
      </ListPanel>
    </div>
  );
}
