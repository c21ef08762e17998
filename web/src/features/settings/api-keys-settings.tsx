import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import type { Role } from '../../api/session';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { CopyButton } from '../../ui/copy-button';
import { DateTime } from '../../ui/date-time';
import { EmptyState } from '../../ui/empty-state';
import { ErrorState } from '../../ui/error-state';
import { Field } from '../../ui/field';
import { Input, Select } from '../../ui/input';
import { LoadingRows } from '../../ui/skeleton';
import { Table, Td, Th, Tr } from '../../ui/table';
import { apiKeysQuery, createApiKey, revokeApiKey, ROLE_LABEL, ROLES } from './settings-api';

export function ApiKeysSettings() {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const keys = useQuery(apiKeysQuery);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('admin');
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys() });
  const create = useMutation({ mutationFn: createApiKey, onSuccess: () => (setName(''), refresh()) });
  const revoke = useMutation({ mutationFn: revokeApiKey, onSettled: refresh });
  const failure = create.error instanceof ApiError ? create.error : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name, role });
  };
  return (
    <Card title={t('api_keys_title')}>
      <p className="mb-4 text-sm text-slate-700">{t('api_keys_text')}</p>
      <form onSubmit={submit} className="mb-4 grid max-w-2xl items-end gap-3 sm:grid-cols-[1fr_10rem_auto]" noValidate>
        <Field label={t('key_name')} error={failure?.path === 'name' ? failure.message : failure?.details.find((d) => d.path === 'name')?.message}>
          <Input value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t('role')}>
          <Select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(ROLE_LABEL[r])}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" variant="primary" disabled={create.isPending || !name.trim()}>
          {t('create_key')}
        </Button>
      </form>
      {create.isError && failure?.path !== 'name' && <ErrorState error={create.error} />}
      {create.data && (
        <div role="status" className="mb-4 rounded-md bg-amber-50 p-3 text-sm">
          <p className="font-medium text-slate-900">{t('key_shown_once')}</p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code className="break-all text-slate-900">{create.data.key}</code>
            <CopyButton text={create.data.key} />
          </div>
        </div>
      )}
      {revoke.isError && <ErrorState error={revoke.error} />}
      {keys.isPending ? (
        <LoadingRows />
      ) : keys.isError ? (
        <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
      ) : keys.data.length === 0 ? (
        <EmptyState title={t('keys_empty')} />
      ) : (
        <Table caption={t('api_keys_title')}>
          <thead>
            <tr>
              <Th>{t('key_name')}</Th>
              <Th>{t('prefix')}</Th>
              <Th>{t('role')}</Th>
              <Th>{t('created')}</Th>
              <Th>{t('last_used')}</Th>
              <Th>
                <span className="sr-only">{t('actions')}</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((k) => (
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
                    <Button size="sm" variant="danger" disabled={revoke.isPending} aria-label={`${t('revoke')}: ${k.name}`} onClick={() => window.confirm(t('revoke_confirm', { name: k.name })) && revoke.mutate(k.id)}>
                      {t('revoke')}
                    </Button>
                  )}
                </Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
