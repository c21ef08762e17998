import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { Button } from '../../ui/button';
import { errorMessage, ErrorState } from '../../ui/error-state';
import { Field } from '../../ui/field';
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
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const invite = useQuery({ queryKey: queryKeys.invite(token), queryFn: () => getInvite(token), enabled: token !== '', retry: false });
  const [name, setName] = useState('');
  const [email, setEmail] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<{ message: string; field?: string | undefined } | null>(null);
  const [busy, setBusy] = useState(false);
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
  const info = invite.data;
  const emailValue = email ?? info.email ?? '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password.length < 10) {
      setError({ message: t('password_too_short'), field: 'password' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const me = await acceptInvite(token, { email: emailValue, name, password });
      queryClient.setQueryData(queryKeys.me(), me);
      await navigate({ to: me.two_factor_setup_required ? '/two-factor-setup' : '/' });
    } catch (e) {
      setError({ message: errorMessage(e, t('accept_failed')), field: e instanceof ApiError ? e.path : undefined });
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (f: string) => (error?.field === f ? error.message : undefined);

  return (
    <AuthCard
      title={title}
      subtitle={t('invite_subtitle', { workspace: info.workspace_name, role: t(ROLE_LABEL[info.role]) })}
    >
      <form onSubmit={(e) => void submit(e)} className="space-y-4" noValidate>
        <Field label={t('name')} error={fieldError('name')}>
          <Input autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t('email')} error={fieldError('email')}>
          <Input type="email" autoComplete="username" required value={emailValue} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label={t('new_password')} hint={t('password_hint')} error={fieldError('password')}>
          <Input type="password" autoComplete="new-password" required minLength={10} value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        {error && !['name', 'email', 'password'].includes(error.field ?? '') && (
          <p role="alert" className="text-sm text-red-700">
            {error.message}
          </p>
        )}
        <Button type="submit" variant="primary" className="w-full" disabled={busy}>
          {kind === 'setup' ? t('create_owner') : t('join')}
        </Button>
      </form>
    </AuthCard>
  );
}
