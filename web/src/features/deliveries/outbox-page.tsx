import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../ui/button';
import { DateTime } from '../../ui/date-time';
import { Dialog } from '../../ui/dialog';
import { EmptyState } from '../../ui/empty-state';
import { ErrorState } from '../../ui/error-state';
import { Field } from '../../ui/field';
import { Input } from '../../ui/input';
import { JsonView } from '../../ui/json-view';
import { ListTable } from '../../ui/list-panel';
import { PageHeader } from '../../ui/page-header';
import { LoadingRows } from '../../ui/skeleton';
import { Td, Tr } from '../../ui/table';
import { Tabs } from '../../ui/tabs';
import { calendarOf, deliveryQuery, outboxQuery, type OutboxMessage } from './deliveries-api';

/** Emails kept in the outbox (no SMTP server configured): list, and each message rendered safely. */
export function OutboxPage() {
  const { t } = useTranslation('deliveries');
  const { to } = useSearch({ strict: false }) as { to?: string };
  const navigate = useNavigate();
  const [text, setText] = useState(to ?? '');
  const [open, setOpen] = useState<OutboxMessage | null>(null);
  const outbox = useInfiniteQuery(outboxQuery(to ? { to } : {}));
  const rows = outbox.data?.pages.flatMap((p) => p.data) ?? [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void navigate({ to: '/outbox', search: text.trim() ? { to: text.trim() } : {} });
  };
  return (
    <div>
      <PageHeader title={t('outbox')} description={t('outbox_text')} />
      <form onSubmit={submit} role="search" className="mb-4 flex max-w-md items-end gap-2">
        <div className="flex-1">
          <Field label={t('recipient')}>
            <Input type="search" value={text} onChange={(e) => setText(e.target.value)} />
          </Field>
        </div>
        <Button type="submit" variant="primary">
          {t('apply')}
        </Button>
      </form>
      <ListTable
        query={outbox}
        rows={rows}
        empty={t('outbox_empty')}
        caption={t('outbox')}
        columns={[t('col_time'), t('recipient'), t('subject')]}
        row={(m) => (
          <Tr key={m.id}>
            <Td>
              <DateTime value={m.created_at} />
            </Td>
            <Td>{m.to}</Td>
            <Td>
              <button type="button" className="text-left font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600" onClick={() => setOpen(m)}>
                {m.subject || t('no_subject')}
              </button>
            </Td>
          </Tr>
        )}
      />
      {outbox.hasNextPage && (
        <Button className="mt-4" disabled={outbox.isFetchingNextPage} onClick={() => void outbox.fetchNextPage()}>
          {t('load_more')}
        </Button>
      )}
      {open && <MessageDialog message={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

export function MessageDialog({ message, onClose }: { message: OutboxMessage; onClose: () => void }) {
  const { t } = useTranslation('deliveries');
  const delivery = useQuery({ ...deliveryQuery(message.delivery_id ?? ''), enabled: message.delivery_id !== null });
  const calendar = delivery.data ? calendarOf(delivery.data.request) : null;
  return (
    <Dialog open wide onOpenChange={(o) => !o && onClose()} title={message.subject || t('no_subject')}>
      <dl className="mb-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-600">{t('from')}</dt>
        <dd>{message.from}</dd>
        <dt className="text-slate-600">{t('recipient')}</dt>
        <dd>{message.to}</dd>
        <dt className="text-slate-600">{t('col_time')}</dt>
        <dd>
          <DateTime value={message.created_at} />
        </dd>
      </dl>
      <Tabs
        label={t('message_parts')}
        tabs={[
          {
            value: 'html',
            label: t('html'),
            content: message.html ? (
              // No scripts, no same-origin access, no forms: the email is shown, never run.
              <iframe title={t('html_preview')} sandbox="" srcDoc={message.html} className="h-[28rem] w-full rounded-md border border-slate-200 bg-white" />
            ) : (
              <EmptyState title={t('no_html')} />
            ),
          },
          { value: 'text', label: t('text'), content: <JsonView value={message.text ?? ''} label={t('text')} /> },
          {
            value: 'ics',
            label: t('calendar'),
            content: delivery.isError ? (
              <ErrorState error={delivery.error} />
            ) : calendar ? (
              <JsonView value={calendar} label={t('calendar')} />
            ) : delivery.isLoading ? (
              <LoadingRows rows={2} />
            ) : (
              <EmptyState title={t('no_calendar')} />
            ),
          },
          { value: 'headers', label: t('headers'), content: <JsonView value={message.headers} label={t('headers')} /> },
        ]}
      />
    </Dialog>
  );
}
