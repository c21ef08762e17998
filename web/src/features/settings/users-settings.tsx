import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { newInviteSchema } from '../../../../src/core/account-input';
import { queryKeys } from '../../api/query-keys';
import { useMe, type Role } from '../../api/session';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { ConfirmButton } from '../../ui/confirm-button';
import { Card } from '../../ui/card';
import { DateTime } from '../../ui/date-time';
import { ErrorState } from '../../ui/error-state';
import { blankAs, FormField, useSubmit, useZodForm } from '../../ui/form';
import { Input, Select } from '../../ui/input';
import { ListTable } from '../../ui/list-panel';
import { actionsColumn, Td, Tr } from '../../ui/table';
import { CreateWithRole, RoleOptions } from './create-with-role';
import { changeRole, createInvite, deleteInvite, invitesQuery, removeUser, ROLE_LABEL, usersQuery } from './settings-api';

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
      <ListTable
        query={users}
        caption={t('users_title')}
        columns={[t('name'), t('email'), t('role'), t('two_factor'), t('last_sign_in'), actionsColumn(t('actions'))]}
        row={(u) => (
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
                <RoleOptions />
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
                <ConfirmButton size="sm" disabled={remove.isPending} question={t('remove_confirm', { name: u.name || u.email })} onConfirm={() => remove.mutate(u.id)}>
                  {t('remove')}
                </ConfirmButton>
              )}
            </Td>
          </Tr>
        )}
      />
    </Card>
  );
}

function InvitesCard() {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const invites = useQuery(invitesQuery);
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.invites() });
  const form = useZodForm(newInviteSchema, { email: undefined, role: 'staff' });
  const create = useMutation({ mutationFn: createInvite, onSuccess: refresh });
  const submit = useSubmit(form, (values) => create.mutateAsync(values));
  const revoke = useMutation({ mutationFn: deleteInvite, onSettled: refresh });
  const link = create.data ? new URL(create.data.url, window.location.origin).toString() : null;
  return (
    <Card title={t('invites_title')}>
      <CreateWithRole form={form} onSubmit={(e) => void submit(e)} submitLabel={t('invite')} created={link ? { title: t('invite_link'), value: link, note: t('invite_link_once') } : null}>
        <FormField form={form} name="email" label={t('invite_email')} options={{ setValueAs: blankAs(undefined) }}>
          <Input type="email" />
        </FormField>
      </CreateWithRole>
      {revoke.isError && <ErrorState error={revoke.error} />}
      <ListTable
        query={invites}
        empty={t('invites_empty')}
        loadingRows={2}
        caption={t('invites_title')}
        columns={[t('email'), t('role'), t('expires'), actionsColumn(t('actions'))]}
        row={(i) => (
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
        )}
      />
    </Card>
  );
}
