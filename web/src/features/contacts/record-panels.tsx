/** Panels shared by the contact and appointment pages: schedule, sessions (with Stop), deliveries, events. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/query-keys';
import { Badge } from '../../ui/badge';
import { ListPanel, ListTable, type QueryState } from '../../ui/list-panel';
import { StatusBadge } from '../../ui/status-badge';
import { ConfirmButton } from '../../ui/confirm-button';
import { DateTime } from '../../ui/date-time';
import { ErrorState } from '../../ui/error-state';
import { JsonView } from '../../ui/json-view';
import { actionsColumn, Td, Tr } from '../../ui/table';
import { flowNamesQuery, isOpen, recordDeliveriesQuery, recordSessionsQuery, stopSession, type EventRow, type ScheduleEntry } from './records-api';
import { useChannelName } from '../../ui/channel-name';

/** A link to a flow in the editor, named by the flow's name once the list of flows has loaded. */
function FlowLink({ flowId }: { flowId: string }) {
  const names = useQuery(flowNamesQuery);
  const name = names.data?.get(flowId);
  return (
    <Link to="/flows/$flowId" params={{ flowId }} className={`text-indigo-700 hover:underline ${name ? '' : 'font-mono text-xs'}`}>
      {name ?? flowId}
    </Link>
  );
}

export function SchedulePanel({ query }: { query: QueryState<ScheduleEntry[]> }) {
  const { t } = useTranslation('contacts');
  return (
    <ListTable
      query={query}
      empty={t('schedule_empty')}
      loadingRows={3}
      caption={t('schedule')}
      columns={[t('due'), t('col_flow'), t('col_step'), t('col_status'), t('col_note')]}
      row={(e) => (
        <Tr key={e.id}>
          <Td>
            <DateTime value={e.due_at} />
          </Td>
          <Td>
            <FlowLink flowId={e.flow_id} />
          </Td>
          <Td className="font-mono text-xs">{e.step_id ?? '—'}</Td>
          <Td>
            <StatusBadge status={e.status} />
          </Td>
          <Td className="text-slate-700">{e.message ?? e.reason ?? ''}</Td>
        </Tr>
      )}
    />
  );
}

export function SessionsPanel({ filters }: { filters: { contact_id?: string; appointment_id?: string } }) {
  const { t } = useTranslation('contacts');
  const queryClient = useQueryClient();
  const sessions = useQuery(recordSessionsQuery(filters));
  const stop = useMutation({ mutationFn: stopSession, onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.sessions.all() }) });
  return (
    <>
      {stop.isError && <ErrorState error={stop.error} title={t('stop_failed')} />}
      <ListTable
        query={sessions}
        empty={t('sessions_empty')}
        loadingRows={3}
        caption={t('tab_flows')}
        columns={[t('col_session'), t('col_flow'), t('col_status'), t('col_step'), t('col_started'), actionsColumn(t('col_actions'))]}
        row={(s) => (
          <Tr key={s.id}>
            {/* Ids are long: shown cut short (whole in the link's name and title) so the Stop button fits beside them.
                The link is a block because a table cell ignores max-width. */}
            <Td className="font-mono text-xs">
              <Link to="/sessions/$sessionId" params={{ sessionId: s.id }} title={s.id} className="block max-w-32 truncate text-indigo-700 hover:underline">
                {s.id}
              </Link>
            </Td>
            <Td>
              <FlowLink flowId={s.flow_id} />
            </Td>
            <Td>
              <StatusBadge status={s.status} />
            </Td>
            <Td className="font-mono text-xs">{s.step_id ?? '—'}</Td>
            <Td>
              <DateTime value={s.created_at} />
            </Td>
            <Td className="text-right">
              {isOpen(s.status) && (
                <ConfirmButton size="sm" disabled={stop.isPending} aria-label={`${t('stop')}: ${s.id}`} question={t('stop_confirm')} onConfirm={() => stop.mutate(s.id)}>
                  {t('stop')}
                </ConfirmButton>
              )}
            </Td>
          </Tr>
        )}
      />
    </>
  );
}

export function DeliveriesPanel({ filters }: { filters: { contact_id?: string; appointment_id?: string } }) {
  const { t } = useTranslation('contacts');
  const channelName = useChannelName();
  const deliveries = useQuery(recordDeliveriesQuery(filters));
  return (
    <ListTable
      query={deliveries}
      empty={t('deliveries_empty')}
      loadingRows={3}
      caption={t('tab_deliveries')}
      columns={[t('col_time'), t('col_channel'), t('col_step'), t('col_status'), t('col_error')]}
      row={(d) => (
        <Tr key={d.id}>
          <Td>
            <Link to="/deliveries/$deliveryId" params={{ deliveryId: d.id }} className="text-indigo-700 hover:underline">
              <DateTime value={d.created_at} />
            </Link>
          </Td>
          <Td>{channelName(d.channel)}</Td>
          <Td className="font-mono text-xs">{d.step_id}</Td>
          <Td>
            <StatusBadge status={d.status} />
          </Td>
          <Td className="text-red-700">{d.error ?? ''}</Td>
        </Tr>
      )}
    />
  );
}

export function EventsPanel({ query }: { query: QueryState<EventRow[]> }) {
  const { t } = useTranslation('contacts');
  return (
    <ListPanel query={query} empty={t('events_empty')} loadingRows={3}>
      {(rows) => (
        <ol className="space-y-3">
          {rows.map((e) => (
            <li key={e.id} className="rounded-md border border-slate-200 p-3">
              <div className="flex flex-wrap items-baseline gap-2 text-sm">
                <Badge tone="blue">{e.name}</Badge>
                <DateTime value={(e.occurred_at ?? e.received_at) as string | undefined} />
              </div>
              <details className="mt-2">
                <summary className="cursor-pointer text-xs text-slate-600">{t('payload')}</summary>
                <JsonView value={e.payload} label={t('payload')} />
              </details>
            </li>
          ))}
        </ol>
      )}
    </ListPanel>
  );
}
