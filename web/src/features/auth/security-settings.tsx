import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { changePasswordSchema, twoFactorCodeSchema } from '../../../../src/core/account-input';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { useCan, useMe } from '../../api/session';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { errorMessage } from '../../ui/error-state';
import { FormAlert, FormField, useSubmit, useZodForm } from '../../ui/form';
import { Input } from '../../ui/input';
import { changePassword, disableTwoFactor } from './auth-api';
import { CodeInput } from './code-input';
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
  const form = useZodForm(twoFactorCodeSchema, { code: '' });
  const disable = useSubmit(form, async ({ code }) => {
    await disableTwoFactor(code);
    await queryClient.invalidateQueries({ queryKey: queryKeys.me() });
  });
  return (
    <Card title={t('two_factor_title')} actions={<Badge tone={me.user.two_factor_enabled ? 'green' : 'neutral'}>{me.user.two_factor_enabled ? t('on') : t('off')}</Badge>}>
      {me.user.two_factor_enabled ? (
        <form className="space-y-3" onSubmit={(e) => void disable(e)} noValidate>
          <div className="flex flex-wrap items-start gap-3">
            <FormField form={form} name="code" label={t('code')}>
              <CodeInput />
            </FormField>
            <Button type="submit" variant="danger" className="mt-6" disabled={form.formState.isSubmitting}>
              {t('two_factor_disable')}
            </Button>
          </div>
          <FormAlert form={form} />
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
  const form = useZodForm(changePasswordSchema, { current_password: '', new_password: '' });
  const submit = useSubmit(form, async (values) => {
    await changePassword(values);
    // Not form.reset(): it would end the submission before it counts as successful.
    form.resetField('current_password');
    form.resetField('new_password');
  });
  return (
    <Card title={t('password_title')}>
      <form onSubmit={(e) => void submit(e)} className="grid max-w-sm gap-3" noValidate>
        <FormField form={form} name="current_password" label={t('current_password')}>
          <Input type="password" autoComplete="current-password" />
        </FormField>
        <FormField form={form} name="new_password" label={t('new_password')} hint={t('password_hint')}>
          <Input type="password" autoComplete="new-password" />
        </FormField>
        <FormAlert form={form} />
        {form.formState.isSubmitSuccessful && <p role="status" className="text-sm text-emerald-800">{t('password_changed')}</p>}
        <div>
          <Button type="submit" variant="primary" disabled={form.formState.isSubmitting}>
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
