import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../ui/button';
import { cx, FOCUS_RING } from '../../ui/cx';
import { DateTime } from '../../ui/date-time';
import { Field } from '../../ui/field';
import { Input } from '../../ui/input';
import { ListPanel } from '../../ui/list-panel';
import { PageHeader } from '../../ui/page-header';
import { Table, Td, Tr } from '../../ui/table';
import { useDebouncedValue } from '../../ui/use-debounced-value';
import { useCan } from '../../api/session';
import { CONTACTS_CSV_URL, contactsQuery } from './records-api';

/** What a search box entry asks for: a Nudge id opens the contact; anything else is a search (`q`). */
export function contactSearch(q: string): { open: string } | { q: string } | null {
  const value = q.trim();
  if (!value) return null;
  if (/^ct_[A-Za-z0-9]+$/.test(value)) return { open: value };
  return { q: value };
}

export function ContactsPage() {
  const { t } = useTranslation('contacts');
  const { q = '' } = useSearch({ strict: false }) as { q?: string };
  const navigate = useNavigate();
  const [text, setText] = useState(q);
  const settled = useDebouncedValue(text.trim());
  const contacts = useInfiniteQuery(contactsQuery(q ? { q } : {}));
  const rows = contacts.data?.pages.flatMap((p) => p.data) ?? [];
  const mayExport = useCan('admin');

  // The search follows typing once it pauses, kept in the URL so a search can be shared or reloaded.
  // Only a pause in typing moves the URL (not a URL change, so Back is not undone); a Nudge id waits for Enter.
  useEffect(() => {
    const wanted = contactSearch(settled);
    if (settled !== q && !(wanted && 'open' in wanted)) void navigate({ to: '/contacts', search: wanted ? { q: wanted.q } : {}, replace: true });
  }, [settled]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const wanted = contactSearch(text);
    if (wanted && 'open' in wanted) void navigate({ to: '/contacts/$contactId', params: { contactId: wanted.open } });
    else void navigate({ to: '/contacts', search: wanted ? { q: wanted.q } : {} });
  };

  return (
    <div>
      <PageHeader
        title={t('title')}
        actions={
          mayExport && (
            <a href={CONTACTS_CSV_URL} download title={t('export_csv_label')} className={cx('inline-flex h-9 items-center rounded-md border border-slate-300 bg-white px-3.5 text-sm font-medium text-slate-800 hover:bg-slate-50', FOCUS_RING)}>
              {t('export_csv')}
            </a>
          )
        }
      />
      <form onSubmit={submit} role="search" className="mb-4 flex max-w-xl items-end gap-2">
        <div className="flex-1">
          <Field label={t('search')} hint={t('search_hint')}>
            <Input type="search" value={text} onChange={(e) => setText(e.target.value)} />
          </Field>
        </div>
        <Button type="submit" variant="primary" className="mb-5">
          {t('search_button')}
        </Button>
      </form>
      <ListPanel query={contacts} rows={rows} empty={q ? t('no_match') : t('empty')}>
        {(rows) => (
          <>
            <Table caption={t('title')} columns={[t('col_name'), t('col_email'), t('col_phone'), t('col_external_id'), t('col_updated')]}>
              <tbody>
                {rows.map((c) => (
                  <Tr key={c.id}>
                    <Td>
                      <Link to="/contacts/$contactId" params={{ contactId: c.id }} className="font-medium text-indigo-700 hover:underline">
                        {c.name || [c.first_name, c.last_name].filter(Boolean).join(' ') || c.email || c.id}
                      </Link>
                    </Td>
                    <Td>{c.email ?? '—'}</Td>
                    <Td>{c.phone ?? '—'}</Td>
                    <Td className="font-mono text-xs">{c.external_id ?? '—'}</Td>
                    <Td>
                      <DateTime value={c.updated_at} />
                    </Td>
                  </Tr>
                ))}
              </tbody>
            </Table>
            {contacts.hasNextPage && (
              <Button className="mt-4" disabled={contacts.isFetchingNextPage} onClick={() => void contacts.fetchNextPage()}>
                {t('load_more')}
              </Button>
            )}
          </>
        )}
      </ListPanel>
    </div>
  );
}
