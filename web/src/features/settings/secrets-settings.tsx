import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { secretSchema } from '../../../../src/core/secret-input';
import { queryKeys } from '../../api/query-keys';
import { useCan } from '../../api/session';
import { Button } from '../../ui/button';
import { ConfirmButton } from '../../ui/confirm-button';
import { Card } from '../../ui/card';
import { DateTime } from '../../ui/date-time';
import { Dialog } from '../../ui/dialog';
import { ErrorState } from '../../ui/error-state';
import { FormAlert, FormField, useSubmit, useZodForm } from '../../ui/form';
import { Input } from '../../ui/input';
import { ListTable } from '../../ui/list-panel';
import { actionsColumn, Td, Tr } from '../../ui/table';
import { deleteSecret, secretsQuery, setSecret } from './settings-api';

/** Secrets by name; values are write-only (set or replace), never shown. */
export function SecretsSettings() {
  const { t } = useTranslation('settings');
  const canEdit = useCan('admin');
  const queryClient = useQueryClient();
  const secrets = useQuery(secretsQuery);
  const [editing, setEditing] = useState<{ name: string; isNew: boolean } | null>(null);
  const remove = useMutation({ mutationFn: deleteSecret, onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.secrets() }) });
  return (
    <Card
      title={t('secrets_title')}
      actions={
        canEdit && (
          <Button variant="primary" onClick={() => setEditing({ name: '', isNew: true })}>
            {t('add_secret')}
          </Button>
        )
      }
    >
      <p className="mb-4 text-sm text-slate-700">{t('secrets_text')}</p>
      {remove.isError && <ErrorState error={remove.error} />}
      <ListTable
        query={secrets}
        empty={t('secrets_empty')}
        caption={t('secrets_title')}
        columns={[t('secret_name'), t('updated'), actionsColumn(t('actions'))]}
        row={(s) => (
          <Tr key={s.name}>
            <Td className="font-mono text-xs">{s.name}</Td>
            <Td>
              <DateTime value={s.updated_at} />
            </Td>
            <Td className="text-right whitespace-nowrap">
              {canEdit && (
                <>
                  <Button size="sm" aria-label={`${t('replace')}: ${s.name}`} onClick={() => setEditing({ name: s.name, isNew: false })}>
                    {t('replace')}
                  </Button>
                  <ConfirmButton size="sm" className="ml-1" aria-label={`${t('delete')}: ${s.name}`} disabled={remove.isPending} question={t('delete_secret_confirm', { name: s.name })} onConfirm={() => remove.mutate(s.name)}>
                    {t('delete')}
                  </ConfirmButton>
                </>
              )}
            </Td>
          </Tr>
        )}
      />
      {editing && <SecretDialog initialName={editing.name} isNew={editing.isNew} onClose={() => setEditing(null)} />}
    </Card>
  );
}

/** Secret names are upper case: what is typed is shown, and sent, in upper case. */
function upperCase(event: FormEvent<HTMLInputElement>) {
  const input = event.currentTarget;
  input.value = input.value.toUpperCase();
}

function SecretDialog({ initialName, isNew, onClose }: { initialName: string; isNew: boolean; onClose: () => void }) {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const form = useZodForm(secretSchema, { name: initialName, value: '' });
  const submit = useSubmit(form, async ({ name, value }) => {
    await setSecret(name, value);
    await queryClient.invalidateQueries({ queryKey: queryKeys.secrets() });
    onClose();
  });
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={isNew ? t('add_secret') : t('replace_secret', { name: initialName })}>
      <form onSubmit={(e) => void submit(e)} className="space-y-4" noValidate>
        {isNew && (
          <FormField form={form} name="name" label={t('secret_name')} hint={t('secret_name_hint')}>
            <Input onInput={upperCase} />
          </FormField>
        )}
        <FormField form={form} name="value" label={t('secret_value')} hint={t('secret_value_hint')}>
          <Input type="password" autoComplete="off" />
        </FormField>
        <FormAlert form={form} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>{t('cancel')}</Button>
          <Button type="submit" variant="primary" disabled={form.formState.isSubmitting}>
            {t('save')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
