import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { useCan, useMe } from '../../api/session';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { errorMessage } from '../../ui/error-state';
import { Field } from '../../ui/field';
import { Input } from '../../ui/input';
import { changePassword, disableTwoFactor } from './auth-api';
import { TwoFactorEnrol } from './two-factor-enrol';

/** The signed-in user's own security: two-factor sign-in, password; for owners, requiring two-factor for everyone. */
export function SecuritySettings() {
  return (
    <div className="grid max-w-3xl gap-6">
      <TwoFactorCard />
      <PasswordCard />
      {useCan('owner') && <RequireTwoFactorCard />}
    </div>
  );
}

function TwoFactorCard() {
  const { t } = useTranslation('auth');
  const me = useMe();
  const queryClient = useQueryClient();
  const [enrolling, setEnrolling] = useState(false);
  const [code, setCode] = useState('');
  const disable = useMutation({
    mutationFn: disableTwoFactor,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.me() }),
  });
  return (
    <Card title={t('two_factor_title')} actions={<Badge tone={me.user.two_factor_enabled ? 'green' : 'neutral'}>{me.user.two_factor_enabled ? t('on') : t('off')}</Badge>}>
      {me.user.two_factor_enabled ? (
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            disable.mutate(code);
          }}
        >
          <Field label={t('code')} error={disable.isError ? errorMessage(disable.error, t('code_rejected')) : undefined}>
            <Input inputMode="numeric" maxLength={6} value={code} onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))} />
          </Field>
          <Button type="submit" variant="danger" disabled={code.length !== 6 || disable.isPending}>
            {t('two_factor_disable')}
          </Button>
        </form>
      ) : enrolling ? (
        <TwoFactorEnrol onDone={() => setEnrolling(false)} />
      ) : (
        <div className="space-y-3">
          <p className="text-sm text-slate-700">{t('two_factor_explain')}</p>
          <Button variant="primary" onClick={() => setEnrolling(true)}>
            {t('two_factor_enable')}
          </Button>
        </div>
      )}
    </Card>
  );
}

function PasswordCard() {
  const { t } = useTranslation('auth');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useMutation({
    mutationFn: changePassword,
    onSuccess: () => {
      setCurrent('');
      setNext('');
    },
  });
  const failure = change.error instanceof ApiError ? change.error : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    change.mutate({ current_password: current, new_password: next });
  };
  return (
    <Card title={t('password_title')}>
      <form onSubmit={submit} className="grid max-w-sm gap-3" noValidate>
        <Field label={t('current_password')} error={failure?.path === 'current_password' ? failure.message : undefined}>
          <Input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
        </Field>
        <Field label={t('new_password')} hint={t('password_hint')} error={failure?.path === 'new_password' ? failure.message : undefined}>
          <Input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
        </Field>
        {change.isError && !['current_password', 'new_password'].includes(failure?.path ?? '') && (
          <p role="alert" className="text-sm text-red-700">{errorMessage(change.error, t('password_failed'))}</p>
        )}
        {change.isSuccess && <p role="status" className="text-sm text-emerald-800">{t('password_changed')}</p>}
        <div>
          <Button type="submit" variant="primary" disabled={!current || next.length < 10 || change.isPending}>
            {t('password_change')}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function RequireTwoFactorCard() {
  const { t } = useTranslation('auth');
  const me = useMe();
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: (require_two_factor: boolean) => api('/v1/workspace', { method: 'PATCH', body: { require_two_factor } }),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: queryKeys.me() }), queryClient.invalidateQueries({ queryKey: queryKeys.workspace() })]),
  });
  const on = me.workspace.require_two_factor;
  return (
    <Card title={t('require_title')}>
      <p className="mb-3 text-sm text-slate-700">{t('require_text')}</p>
      <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
        <input type="checkbox" className="size-4 accent-indigo-600" checked={on} disabled={toggle.isPending} onChange={(e) => toggle.mutate(e.target.checked)} />
        {t('require_label')}
      </label>
      {toggle.isError && <p role="alert" className="mt-2 text-sm text-red-700">{errorMessage(toggle.error, t('save_failed'))}</p>}
    </Card>
  );
}
