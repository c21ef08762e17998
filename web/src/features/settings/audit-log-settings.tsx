import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { DateTime } from '../../ui/date-time';
import { Field } from '../../ui/field';
import { Select } from '../../ui/input';
import { AUDIT_ACTIONS } from '../../../../src/core/audit-actions';
import { ListPanel } from '../../ui/list-panel';
import { Table, Td, Tr } from '../../ui/table';
import { auditLogQuery } from './settings-api';

/** Owner only: who did what, newest first, a page at a time. */
export function AuditLogSettings() {
  const { t, i18n } = useTranslation('settings');
  const [action, setAction] = useState('');
  const [applied, setApplied] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const log = useQuery(auditLogQuery({ ...(applied ? { action: applied } : {}), ...(cursor ? { cursor } : {}) }));
  const next = log.data?.next_cursor;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setCursors([]);
    setApplied(action);
  };
  return (
    <Card title={t('audit_title')}>
      <form onSubmit={submit} className="mb-4 flex max-w-md items-end gap-2">
        <div className="flex-1">
          <Field label={t('audit_action')}>
            <Select value={action} onChange={(e) => setAction(e.target.value)}>
              <option value="">{t('audit_any_action')}</option>
              {AUDIT_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {t(`audit_actions.${a}`)}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <Button type="submit" variant="primary">
          {t('filter')}
        </Button>
      </form>
      <ListPanel query={log} rows={log.data?.data ?? []} empty={t('audit_empty')}>
        {(rows) => (
          <>
            <Table caption={t('audit_title')} columns={[t('audit_at'), t('audit_actor'), t('audit_action'), t('audit_target')]}>
              <tbody>
                {rows.map((e) => (
                  <Tr key={e.id}>
                    <Td>
                      <DateTime value={e.at} />
                    </Td>
                    <Td>{e.actor.label ?? e.actor.kind}</Td>
                    <Td>
                      {/* Worded in the UI language; the code (what the API filters by) as its title. An action this build does not know shows as its code. */}
                      <span title={e.action}>{i18n.exists(`settings:audit_actions.${e.action}`) ? t(`audit_actions.${e.action}`) : e.action}</span>
                    </Td>
                    <Td className="font-mono text-xs">{e.target ? `${e.target.kind} ${e.target.id ?? ''}` : '—'}</Td>
                  </Tr>
                ))}
              </tbody>
            </Table>
            <div className="mt-4 flex gap-2">
              <Button disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
                {t('newer')}
              </Button>
              <Button disabled={!next} onClick={() => next && setCursors([...cursors, next])}>
                {t('older')}
              </Button>
            </div>
          </>
        )}
      </ListPanel>
    </Card>
  );
}
