import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { Badge, statusTone } from '../../ui/badge';
import { Button } from '../../ui/button';
import { DateTime } from '../../ui/date-time';
import { EmptyState } from '../../ui/empty-state';
import { ErrorState } from '../../ui/error-state';
import { Field } from '../../ui/field';
import { Input, Select } from '../../ui/input';
import { PageHeader } from '../../ui/page-header';
import { LoadingRows } from '../../ui/skeleton';
import { SESSION_STATUS_LABEL } from './session-labels';
import { SESSION_FILTERS, SESSION_STATUSES, sessionsQuery, type SessionFilters } from './sessions-api';

const ROW_HEIGHT = 44;

export function SessionsPage() {
  const { t } = useTranslation('sessions');
  const search = useSearch({ strict: false }) as Record<string, string | undefined>;
  const navigate = useNavigate();
  const filters: SessionFilters = Object.fromEntries(SESSION_FILTERS.filter((k) => search[k]).map((k) => [k, search[k]]));
  const [draft, setDraft] = useState<SessionFilters>(filters);
  const flows = useQuery({
    queryKey: queryKeys.flows.list(),
    queryFn: async () => (await api<{ data: Array<{ id: string; name: string; status: string }> }>('/v1/flows')).data,
  });
  const sessions = useInfiniteQuery(sessionsQuery(filters));
  const rows = sessions.data?.pages.flatMap((p) => p.data) ?? [];
  const flowName = new Map(flows.data?.map((f) => [f.id, f.name]));

  const apply = (e: FormEvent) => {
    e.preventDefault();
    void navigate({ to: '/sessions', search: Object.fromEntries(Object.entries(draft).filter(([, v]) => v)) });
  };

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (lastIndex >= rows.length - 20 && sessions.hasNextPage && !sessions.isFetchingNextPage) void sessions.fetchNextPage();
  }, [lastIndex, rows.length, sessions]);

  return (
    <div>
      <PageHeader title={t('title')} description={t('subtitle')} />
      <form onSubmit={apply} className="mb-4 grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-6 lg:items-end">
        <Field label={t('filter_flow')}>
          <Select value={draft.flow_id ?? ''} onChange={(e) => setDraft({ ...draft, flow_id: e.target.value })}>
            <option value="">{t('any')}</option>
            {flows.data?.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t('filter_status')}>
          <Select value={draft.status ?? ''} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
            <option value="">{t('any')}</option>
            {SESSION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(SESSION_STATUS_LABEL[s]!)}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t('filter_contact')}>
          <Input value={draft.contact_id ?? ''} onChange={(e) => setDraft({ ...draft, contact_id: e.target.value })} />
        </Field>
        <Field label={t('filter_appointment')}>
          <Input value={draft.appointment_id ?? ''} onChange={(e) => setDraft({ ...draft, appointment_id: e.target.value })} />
        </Field>
        <Field label={t('filter_step')}>
          <Input value={draft.step_id ?? ''} onChange={(e) => setDraft({ ...draft, step_id: e.target.value })} />
        </Field>
        <div className="flex gap-2">
          <Button type="submit" variant="primary">
            {t('apply')}
          </Button>
          <Button
            onClick={() => {
              setDraft({});
              void navigate({ to: '/sessions', search: {} });
            }}
          >
            {t('clear')}
          </Button>
        </div>
      </form>
      {sessions.isPending ? (
        <LoadingRows />
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title={t('empty')} />
      ) : (
        <div role="table" aria-label={t('title')} aria-rowcount={rows.length + 1} className="rounded-lg border border-slate-200 bg-white text-sm">
          <div role="rowgroup">
            <div role="row" aria-rowindex={1} className="grid grid-cols-[2fr_2fr_1fr_1.5fr_1.5fr] gap-2 border-b border-slate-200 bg-slate-50 px-3 py-2 text-xs font-semibold text-slate-700 uppercase">
              <span role="columnheader">{t('col_session')}</span>
              <span role="columnheader">{t('col_flow')}</span>
              <span role="columnheader">{t('col_status')}</span>
              <span role="columnheader">{t('col_step')}</span>
              <span role="columnheader">{t('col_started')}</span>
            </div>
          </div>
          <div ref={scrollRef} role="rowgroup" className="max-h-[65vh] overflow-auto" tabIndex={0} aria-label={t('scroll_region')}>
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {items.map((item) => {
                const s = rows[item.index]!;
                return (
                  <div
                    key={s.id}
                    role="row"
                    aria-rowindex={item.index + 2}
                    className="absolute inset-x-0 grid grid-cols-[2fr_2fr_1fr_1.5fr_1.5fr] items-center gap-2 border-b border-slate-100 px-3 hover:bg-slate-50"
                    style={{ top: item.start, height: ROW_HEIGHT }}
                  >
                    <span role="cell" className="truncate font-mono text-xs">
                      <Link to="/sessions/$sessionId" params={{ sessionId: s.id }} className="text-indigo-700 hover:underline">
                        {s.id}
                      </Link>
                    </span>
                    <span role="cell" className="truncate">{flowName.get(s.flow_id) ?? s.flow_id}</span>
                    <span role="cell">
                      <Badge tone={statusTone(s.status)}>{SESSION_STATUS_LABEL[s.status] ? t(SESSION_STATUS_LABEL[s.status]!) : s.status}</Badge>
                    </span>
                    <span role="cell" className="truncate font-mono text-xs">{s.step_id ?? '—'}</span>
                    <span role="cell" className="truncate text-slate-700">
                      <DateTime value={s.created_at} />
                    </span>
                  </div>
                );
              })}
            </div>
          </div>
          {sessions.isFetchingNextPage && <p role="status" className="px-3 py-2 text-xs text-slate-600">{t('loading_more')}</p>}
        </div>
      )}
    </div>
  );
}
