import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { Button } from '../../ui/button';
import { errorMessage } from '../../ui/error-state';
import { Field } from '../../ui/field';
import { Input } from '../../ui/input';
import { signIn } from './auth-api';
import { AuthCard } from './auth-card';

/** Where to go after signing in: a path inside the app, never another site. */
export function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/';
}

export function SignInPage() {
  const { t } = useTranslation('auth');
  const search = useSearch({ strict: false }) as { next?: string };
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await signIn({ email, password, ...(needsCode ? { code } : {}) });
      queryClient.setQueryData(queryKeys.me(), me);
      await navigate({ to: me.two_factor_setup_required ? '/two-factor-setup' : safeNext(search.next) });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'two_factor_required') {
        setNeedsCode(true);
      } else if (e instanceof ApiError && e.status === 429) {
        setError({ message: e.retryAfter !== null ? t('too_many_attempts_in', { seconds: e.retryAfter }) : e.message });
      } else {
        setError({ message: errorMessage(e, t('sign_in_failed')), field: e instanceof ApiError ? e.path : undefined });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title={needsCode ? t('code_title') : t('sign_in_title')} subtitle={needsCode ? t('code_subtitle') : undefined}>
      <form onSubmit={(e) => void submit(e)} className="space-y-4" noValidate>
        {!needsCode ? (
          <>
            <Field label={t('email')} error={error?.field === 'email' ? error.message : undefined}>
              <Input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
            </Field>
            <Field label={t('password')} error={error?.field === 'password' ? error.message : undefined}>
              <Input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
            </Field>
          </>
        ) : (
          <Field label={t('code')} error={error?.field === 'code' ? error.message : undefined}>
            <Input
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              required
              autoFocus
              value={code}
              onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
            />
          </Field>
        )}
        {error && !['email', 'password', 'code'].includes(error.field ?? '') && (
          <p role="alert" className="text-sm text-red-700">
            {error.message}
          </p>
        )}
        <Button type="submit" variant="primary" className="w-full" disabled={busy}>
          {busy ? t('signing_in') : needsCode ? t('verify') : t('sign_in')}
        </Button>
        {needsCode && (
          <Button variant="ghost" className="w-full" onClick={() => (setNeedsCode(false), setCode(''), setError(null))}>
            {t('back')}
          </Button>
        )}
      </form>
    </AuthCard>
  );
}
