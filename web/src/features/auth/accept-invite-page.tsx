import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { acceptInviteSchema, MIN_PASSWORD_LENGTH } from '../../../../src/core/account-input';
import { ApiError } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { Button } from '../../ui/button';
import { ErrorState } from '../../ui/error-state';
import { FormAlert, FormField, useSubmit, useZodForm } from '../../ui/form';
import { Input } from '../../ui/input';
import { LoadingRows } from '../../ui/skeleton';
import { acceptInvite, getInvite } from './auth-api';
import { AuthCard } from './auth-card';

const ROLE_LABEL = { owner: 'role_owner', admin: 'role_admin', staff: 'role_staff' } as const;

/** `/setup?token=`: the first owner, from the link printed when Nudge first starts. */
export function SetupPage() {
  return <AcceptInvite kind="setup" />;
}

/** `/invite?token=`: a user invited by an owner. */
export function InvitePage() {
  return <AcceptInvite kind="invite" />;
}

function AcceptInvite({ kind }: { kind: 'setup' | 'invite' }) {
  const { t } = useTranslation('auth');
  const { token = '' } = useSearch({ strict: false }) as { token?: string };
  const invite = useQuery({ queryKey: queryKeys.invite(token), queryFn: () => getInvite(token), enabled: token !== '', retry: false });
  const title = kind === 'setup' ? t('setup_title') : t('invite_title');

  if (!token) return <AuthCard title={title}><ErrorState error={null} title={t('invite_missing')} /></AuthCard>;
  if (invite.isPending) return <AuthCard title={title}><LoadingRows rows={3} /></AuthCard>;
  if (invite.isError) {
    const gone = invite.error instanceof ApiError && invite.error.status === 404;
    return (
      <AuthCard title={title}>
        <ErrorState error={invite.error} title={gone ? t('invite_gone') : undefined} onRetry={gone ? undefined : () => void invite.refetch()} />
      </AuthCard>
    );
  }
  return (
    <AuthCard title={title} subtitle={t('invite_subtitle', { workspace: invite.data.workspace_name, role: t(ROLE_LABEL[invite.data.role]) })}>
      <AcceptForm token={token} kind={kind} email={invite.data.email ?? ''} />
    </AuthCard>
  );
}

function AcceptForm({ token, kind, email }: { token: string; kind: 'setup' | 'invite'; email: string }) {
  const { t } = useTranslation('auth');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useZodForm(acceptInviteSchema, { name: '', email, password: '' });
  const submit = useSubmit(form, async (values) => {
    const me = await acceptInvite(token, values);
    queryClient.setQueryData(queryKeys.me(), me);
    await navigate({ to: me.two_factor_setup_required ? '/two-factor-setup' : '/' });
  });
  return (
    <form onSubmit={(e) => void submit(e)} className="space-y-4" noValidate>
      <FormField form={form} name="name" label={t('name')}>
        <Input autoComplete="name" required />
      </FormField>
      <FormField form={form} name="email" label={t('email')}>
        <Input type="email" autoComplete="username" required />
      </FormField>
      <FormField form={form} name="password" label={t('new_password')} hint={t('password_hint')}>
        <Input type="password" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} />
      </FormField>
      <FormAlert form={form} />
      <Button type="submit" variant="primary" className="w-full" disabled={form.formState.isSubmitting}>
        {kind === 'setup' ? t('create_owner') : t('join')}
      </Button>
    </form>
  );
}
