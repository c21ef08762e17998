/**
 * The sign-in page, the first page most visits load: kept light on purpose (no zod, no
 * react-hook-form: BENCHMARKS.md §7 measured them at about 200 ms of a cold sign-in). The fields
 * are checked by hand only for being filled in; the server is the authority on everything else,
 * and its answer is shown on the field it names or above the button, worded when shown so that it
 * follows a change of language.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { Button } from '../../ui/button';
import { errorMessage, fieldErrorText } from '../../ui/error-state';
import { Field } from '../../ui/field';
import { Input } from '../../ui/input';
import { signIn } from './auth-api';
import { AuthCard } from './auth-card';
import { CodeInput } from './code-input';

/** Where to go after signing in: a path inside the app, never another site. */
export function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/';
}

type Fields = { email: string; password: string; code: string };
type FieldName = keyof Fields;

/** What is missing before asking the server: blank fields, a code that is not 6 digits. */
function missing(values: Fields, needsCode: boolean): Partial<Record<FieldName, 'required' | 'format'>> {
  if (needsCode) return /^\d{6}$/.test(values.code.trim()) ? {} : { code: values.code.trim() === '' ? 'required' : 'format' };
  const problems: Partial<Record<FieldName, 'required'>> = {};
  if (values.email.trim() === '') problems.email = 'required';
  if (values.password === '') problems.password = 'required';
  return problems;
}

/** The sign-in form's state: values, what is missing, the server's answer, and submitting. */
function useSignInForm() {
  const search = useSearch({ strict: false }) as { next?: string };
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [needsCode, setNeedsCode] = useState(false);
  const [values, setValues] = useState<Fields>({ email: '', password: '', code: '' });
  const [problems, setProblems] = useState<Partial<Record<FieldName, 'required' | 'format'>>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = missing(values, needsCode);
    setProblems(found);
    setFailure(null);
    if (Object.keys(found).length > 0) return;
    setPending(true);
    try {
      const me = await signIn({ email: values.email.trim(), password: values.password, ...(needsCode ? { code: values.code.trim() } : {}) });
      queryClient.setQueryData(queryKeys.me(), me);
      await navigate({ to: me.two_factor_setup_required ? '/two-factor-setup' : safeNext(search.next) });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'two_factor_required') setNeedsCode(true);
      else setFailure(e);
    } finally {
      setPending(false);
    }
  };
  const back = () => {
    setNeedsCode(false);
    setValues((v) => ({ ...v, code: '' }));
    setProblems({});
    setFailure(null);
  };
  const input = (name: FieldName) => ({
    name,
    value: values[name],
    onChange: (e: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: e.target.value })),
  });
  return { needsCode, problems, failure, pending, submit, back, input };
}

export function SignInPage() {
  const { t } = useTranslation('auth');
  const { t: tf } = useTranslation('forms');
  const { needsCode, problems, failure, pending, submit, back, input } = useSignInForm();
  // A server answer naming one of the fields on screen goes on that field; anything else above the button.
  const shown: FieldName[] = needsCode ? ['code'] : ['email', 'password'];
  const onField = failure instanceof ApiError && failure.path && (shown as string[]).includes(failure.path) ? (failure.path as FieldName) : null;
  const errorOf = (name: FieldName) => (problems[name] ? tf(problems[name]) : onField === name ? fieldErrorText(failure, name) : undefined);
  const alert =
    failure === null || onField
      ? null
      : failure instanceof ApiError && failure.status === 429 && failure.retryAfter !== null
        ? t('too_many_attempts_in', { seconds: failure.retryAfter })
        : errorMessage(failure, tf('failed'));

  return (
    <AuthCard title={needsCode ? t('code_title') : t('sign_in_title')} subtitle={needsCode ? t('code_subtitle') : undefined}>
      <form onSubmit={(e) => void submit(e)} className="space-y-4" noValidate>
        {!needsCode ? (
          <>
            <Field label={t('email')} error={errorOf('email')}>
              <Input type="email" autoComplete="username" required {...input('email')} />
            </Field>
            <Field label={t('password')} error={errorOf('password')}>
              <Input type="password" autoComplete="current-password" required {...input('password')} />
            </Field>
          </>
        ) : (
          <Field label={t('code')} error={errorOf('code')}>
            <CodeInput required autoFocus {...input('code')} />
          </Field>
        )}
        {alert && (
          <p role="alert" className="text-sm text-red-700">
            {alert}
          </p>
        )}
        <Button type="submit" variant="primary" className="w-full" disabled={pending}>
          {pending ? t('signing_in') : needsCode ? t('verify') : t('sign_in')}
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
