import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { signInSchema } from '../../../../src/core/account-input';
import { ApiError } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { Button } from '../../ui/button';
import { FormAlert, FormField, useSubmit, useZodForm } from '../../ui/form';
import { Input } from '../../ui/input';
import { signIn } from './auth-api';
import { AuthCard } from './auth-card';
import { CodeInput } from './code-input';

/** Where to go after signing in: a path inside the app, never another site. */
export function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/';
}

export function SignInPage() {
  const { t } = useTranslation('auth');
  const search = useSearch({ strict: false }) as { next?: string };
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [needsCode, setNeedsCode] = useState(false);
  const form = useZodForm(signInSchema, { email: '', password: '' });

  const submit = useSubmit(form, async (values) => {
    try {
      const me = await signIn(values);
      queryClient.setQueryData(queryKeys.me(), me);
      await navigate({ to: me.two_factor_setup_required ? '/two-factor-setup' : safeNext(search.next) });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.code === 'two_factor_required') setNeedsCode(true);
      else if (e.status === 429 && e.retryAfter !== null) form.setError('root.server', { message: t('too_many_attempts_in', { seconds: e.retryAfter }) });
      else throw e;
    }
  });
  const back = () => {
    setNeedsCode(false);
    form.unregister('code');
    form.clearErrors();
  };

  return (
    <AuthCard title={needsCode ? t('code_title') : t('sign_in_title')} subtitle={needsCode ? t('code_subtitle') : undefined}>
      <form onSubmit={(e) => void submit(e)} className="space-y-4" noValidate>
        {!needsCode ? (
          <>
            <FormField form={form} name="email" label={t('email')}>
              <Input type="email" autoComplete="username" required />
            </FormField>
            <FormField form={form} name="password" label={t('password')}>
              <Input type="password" autoComplete="current-password" required />
            </FormField>
          </>
        ) : (
          <FormField form={form} name="code" label={t('code')}>
            <CodeInput required autoFocus />
          </FormField>
        )}
        <FormAlert form={form} />
        <Button type="submit" variant="primary" className="w-full" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? t('signing_in') : needsCode ? t('verify') : t('sign_in')}
        </Button>
        {needsCode && (
          <Button variant="ghost" className="w-full" onClick={back}>
            {t('back')}
          </Button>
        )}
      </form>
    </AuthCard>
  );
}
