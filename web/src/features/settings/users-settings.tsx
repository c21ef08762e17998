import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/query-keys';
import { useMe, type Role } from '../../api/session';
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
import { changeRole, createInvite, deleteInvite, invitesQuery, removeUser, ROLE_LABEL, ROLES, usersQuery } from './settings-api';

/** Owner only: the workspace's users (role, removal) and pending invites. */
export function UsersSettings() {
  return (
    <div className="grid gap-6">
      <UsersCard />
      <InvitesCard />
    </div>
  );
}

function UsersCard() {
  const { t } = useTranslation('settings');
  const me = useMe();
  const queryClient = useQueryClient();
  const users = useQuery(usersQuery);
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.users() });
  const role = useMutation({ mutationFn: ({ id, role }: { id: string; role: Role }) => changeRole(id, role), onSettled: refresh });
  const remove = useMutation({ mutationFn: removeUser, onSettled: refresh });
  return (
    <Card title={t('users_title')}>
      {(role.isError || remove.isError) && (
        <div className="mb-3">
          <ErrorState error={role.error ?? remove.error} />
        </div>
      )}
      {users.isPending ? (
        <LoadingRows />
      ) : users.isError ? (
        <ErrorState error={users.error} onRetry={() => void users.refetch()} />
      ) : (
        <Table caption={t('users_title')}>
          <thead>
            <tr>
              <Th>{t('name')}</Th>
              <Th>{t('email')}</Th>
              <Th>{t('role')}</Th>
              <Th>{t('two_factor')}</Th>
              <Th>{t('last_sign_in')}</Th>
              <Th>
                <span className="sr-only">{t('actions')}</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {users.data.map((u) => (
              <Tr key={u.id}>
                <Td className="font-medium">{u.name}</Td>
                <Td>{u.email}</Td>
                <Td>
                  <Select
                    aria-label={t('role_of', { name: u.name || u.email })}
                    value={u.role}
                    disabled={role.isPending}
                    onChange={(e) => role.mutate({ id: u.id, role: e.target.value as Role })}
                    className="w-32"
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(ROLE_LABEL[r])}
                      </option>
                    ))}
                  </Select>
                </Td>
                <Td>
                  <Badge tone={u.two_factor_enabled ? 'green' : 'neutral'}>{u.two_factor_enabled ? t('on') : t('off')}</Badge>
                </Td>
                <Td>
                  <DateTime value={u.last_sign_in_at} />
                </Td>
                <Td className="text-right">
                  {u.id !== me.user.id && (
                    <Button size="sm" variant="danger" disabled={remove.isPending} onClick={() => window.confirm(t('remove_confirm', { name: u.name || u.email })) && remove.mutate(u.id)}>
                      {t('remove')}
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

function InvitesCard() {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const invites = useQuery(invitesQuery);
  const [role, setRole] = useState<Role>('staff');
  const [email, setEmail] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.invites() });
  const create = useMutation({ mutationFn: createInvite, onSuccess: refresh });
  const revoke = useMutation({ mutationFn: deleteInvite, onSettled: refresh });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ role, ...(email.trim() ? { email: email.trim() } : {}) });
  };
  const link = create.data ? new URL(create.data.url, window.location.origin).toString() : null;
  return (
    <Card title={t('invites_title')}>
      <form onSubmit={submit} className="mb-4 grid max-w-2xl items-end gap-3 sm:grid-cols-[1fr_10rem_auto]">
        <Field label={t('invite_email')} error={create.error && 'path' in create.error && create.error.path === 'email' ? create.error.message : undefined}>
          <Input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
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
        <Button type="submit" variant="primary" disabled={create.isPending}>
          {t('invite')}
        </Button>
      </form>
      {create.isError && <ErrorState error={create.error} />}
      {link && (
        <div role="status" className="mb-4 rounded-md bg-indigo-50 p-3 text-sm">
          <p className="font-medium text-slate-900">{t('invite_link')}</p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code className="break-all text-slate-900">{link}</code>
            <CopyButton text={link} />
          </div>
          <p className="mt-1 text-slate-700">{t('invite_link_once')}</p>
        </div>
      )}
      {revoke.isError && <ErrorState error={revoke.error} />}
      {invites.isPending ? (
        <LoadingRows rows={2} />
      ) : invites.isError ? (
        <ErrorState error={invites.error} onRetry={() => void invites.refetch()} />
      ) : invites.data.length === 0 ? (
        <EmptyState title={t('invites_empty')} />
      ) : (
        <Table caption={t('invites_title')}>
          <thead>
            <tr>
              <Th>{t('email')}</Th>
              <Th>{t('role')}</Th>
              <Th>{t('expires')}</Th>
              <Th>
                <span className="sr-only">{t('actions')}</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {invites.data.map((i) => (
              <Tr key={i.id}>
                <Td>{i.email ?? t('anyone_with_link')}</Td>
                <Td>{t(ROLE_LABEL[i.role])}</Td>
                <Td>
                  <DateTime value={i.expires_at} />
                </Td>
                <Td className="text-right">
                  <Button size="sm" variant="danger" disabled={revoke.isPending} onClick={() => revoke.mutate(i.id)}>
                    {t('revoke')}
                  </Button>
                </Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
