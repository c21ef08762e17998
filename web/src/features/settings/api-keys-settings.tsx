import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { newApiKeySchema } from '../../../../src/core/account-input';
import { queryKeys } from '../../api/query-keys';
import { Badge } from '../../ui/badge';
import { ConfirmButton } from '../../ui/confirm-button';
import { Card } from '../../ui/card';
import { DateTime } from '../../ui/date-time';
import { ErrorState } from '../../ui/error-state';
import { FormField, useSubmit, useZodForm } from '../../ui/form';
import { Input } from '../../ui/input';
import { ListTable } from '../../ui/list-panel';
import { actionsColumn, Td, Tr } from '../../ui/table';
import { CreateWithRole } from './create-with-role';
import { apiKeysQuery, createApiKey, revokeApiKey, ROLE_LABEL } from './settings-api';

export function ApiKeysSettings() {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const keys = useQuery(apiKeysQuery);
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys() });
  const form = useZodForm(newApiKeySchema, { name: '', role: 'admin' });
  const create = useMutation({ mutationFn: createApiKey, onSuccess: refresh });
  const submit = useSubmit(form, async (values) => {
    await create.mutateAsync(values);
    form.resetField('name');
  });
  const revoke = useMutation({ mutationFn: revokeApiKey, onSettled: refresh });
  return (
    <Card title={t('api_keys_title')}>
      <p className="mb-4 text-sm text-slate-700">{t('api_keys_text')}</p>
      <CreateWithRole form={form} onSubmit={(e) => void submit(e)} submitLabel={t('create_key')} created={create.data ? { title: t('key_shown_once'), value: create.data.key } : null}>
        <FormField form={form} name="name" label={t('key_name')}>
          <Input />
        </FormField>
      </CreateWithRole>
      {revoke.isError && <ErrorState error={revoke.error} />}
      <ListTable
        query={keys}
        empty={t('keys_empty')}
        caption={t('api_keys_title')}
        columns={[t('key_name'), t('prefix'), t('role'), t('created'), t('last_used'), actionsColumn(t('actions'))]}
        row={(k) => (
          <Tr key={k.id}>
            <Td className="font-medium">{k.name}</Td>
            <Td className="font-mono text-xs">{k.prefix}…</Td>
            <Td>{k.role ? t(ROLE_LABEL[k.role]) : '—'}</Td>
            <Td>
              <DateTime value={k.created_at} />
            </Td>
            <Td>
              <DateTime value={k.last_used_at} />
            </Td>
            <Td className="text-right">
              {k.revoked_at ? (
                <Badge>{t('revoked')}</Badge>
              ) : (
                <ConfirmButton size="sm" disabled={revoke.isPending} aria-label={`${t('revoke')}: ${k.name}`} question={t('revoke_confirm', { name: k.name })} onConfirm={() => revoke.mutate(k.id)}>
                  {t('revoke')}
                </ConfirmButton>
              )}
            </Td>
          </Tr>
        )}
      />
    </Card>
  );
}
