import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { ListPanel } from '../../ui/list-panel';
import { StatusBadge, useStatusLabel } from '../../ui/status-badge';
import { Button } from '../../ui/button';
import { DateTime } from '../../ui/date-time';
import { Field } from '../../ui/field';
import { Input, Select } from '../../ui/input';
import { PageHeader } from '../../ui/page-header';
import { Table, Td, Tr } from '../../ui/table';
import { DELIVERY_STATUSES, deliveriesQuery, localTimeToIso } from './deliveries-api';
import { useChannelName } from '../../ui/channel-name';

const KEYS = ['flow_id', 'status', 'channel', 'from', 'to'] as const;
type Filters = Partial<Record<(typeof KEYS)[number], string>>;

export function DeliveriesPage() {
  const { t } = useTranslation('deliveries');
  const channelName = useChannelName();
  const search = useSearch({ strict: false }) as Filters;
  const navigate = useNavigate();
  const statusLabel = useStatusLabel();
  const current: Filters = Object.fromEntries(KEYS.filter((k) => search[k]).map((k) => [k, search[k]]));
  const [draft, setDraft] = useState<Filters>(current);
  const flows = useQuery({
    queryKey: queryKeys.flows.list(),
    queryFn: async () => (await api<{ data: Array<{ id: string; name: string }> }>('/v1/flows')).data,
  });
  const channels = useQuery({
    queryKey: queryKeys.channels(),
    queryFn: async () => (await api<{ data: Array<{ kind: string; name: string }> }>('/v1/channels')).data,
    staleTime: Infinity,
  });
  const deliveries = useInfiniteQuery(
    deliveriesQuery({
      flow_id: current.flow_id,
      status: current.status,
      channel: current.channel,
      created_after: localTimeToIso(current.from),
      created_before: localTimeToIso(current.to),
    }),
  );
  const rows = deliveries.data?.pages.flatMap((p) => p.data) ?? [];
  const flowName = new Map(flows.data?.map((f) => [f.id, f.name]));

  const apply = (e: FormEvent) => {
    e.preventDefault();
    void navigate({ to: '/deliveries', search: Object.fromEntries(Object.entries(draft).filter(([, v]) => v)) });
  };
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });

  return (
    <div>
      <PageHeader
        title={t('title')}
        actions={
          <Link to="/outbox" className="inline-flex h-9 items-center rounded-md border border-slate-300 bg-white px-3.5 text-sm font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
            {t('outbox')}
          </Link>
        }
      />
      <form onSubmit={apply} className="mb-4 grid items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3 lg:grid-cols-6">
        <Field label={t('filter_flow')}>
          <Select value={draft.flow_id ?? ''} onChange={set('flow_id')}>
            <option value="">{t('any')}</option>
            {flows.data?.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t('filter_channel')}>
          <Select value={draft.channel ?? ''} onChange={set('channel')}>
            <option value="">{t('any')}</option>
            {channels.data?.map((c) => (
              <option key={c.kind} value={c.kind}>
                {channelName(c.kind)}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t('filter_status')}>
          <Select value={draft.status ?? ''} onChange={set('status')}>
            <option value="">{t('any')}</option>
            {DELIVERY_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t('filter_from')}>
          <Input type="datetime-local" value={draft.from ?? ''} onChange={set('from')} />
        </Field>
        <Field label={t('filter_to')}>
          <Input type="datetime-local" value={draft.to ?? ''} onChange={set('to')} />
        </Field>
        <Button type="submit" variant="primary">
          {t('apply')}
        </Button>
      </form>
      <ListPanel query={deliveries} rows={rows} empty={t('empty')}>
        {(rows) => (
          <Table caption={t('title')} columns={[t('col_time'), t('col_flow'), t('col_step'), t('col_channel'), t('col_status'), t('col_attempt'), t('col_error')]}>
            <tbody>
              {rows.map((d) => (
                <Tr key={d.id}>
                  <Td>
                    <Link to="/deliveries/$deliveryId" params={{ deliveryId: d.id }} className="font-medium text-indigo-700 hover:underline">
                      <DateTime value={d.created_at} />
                    </Link>
                  </Td>
                  <Td>{flowName.get(d.flow_id) ?? d.flow_id}</Td>
                  <Td className="font-mono text-xs">{d.step_id}</Td>
                  <Td>{channelName(d.channel)}</Td>
                  <Td>
                    <StatusBadge status={d.status} />
                  </Td>
                  <Td>{d.attempt}</Td>
                  <Td className="text-red-700" title={d.error ?? undefined}>
                    {/* A table cell ignores max-width; a block inside it does not. */}
                    <div className="max-w-xs truncate">{d.error ?? ''}</div>
                  </Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        )}
      </ListPanel>
      {deliveries.hasNextPage && (
        <Button className="mt-4" disabled={deliveries.isFetchingNextPage} onClick={() => void deliveries.fetchNextPage()}>
          {t('load_more')}
        </Button>
      )}
    </div>
  );
}
