import { useMutation, useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { twoFactorCodeSchema } from '../../../../src/core/account-input';
import { queryKeys } from '../../api/query-keys';
import { Button } from '../../ui/button';
import { ErrorState } from '../../ui/error-state';
import { FormAlert, FormField, useSubmit, useZodForm } from '../../ui/form';
import { LoadingRows } from '../../ui/skeleton';
import { enableTwoFactor, startTwoFactorSetup } from './auth-api';
import { CodeInput } from './code-input';

/**
 * Turning on two-factor sign-in: asks the server for a pending secret, shows it as a QR code drawn
 * here (the secret never leaves for a QR service) and as text, then confirms with a code.
 */
export function TwoFactorEnrol({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation('auth');
  const queryClient = useQueryClient();
  const setup = useMutation({ mutationFn: startTwoFactorSetup });
  const [qr, setQr] = useState<string | null>(null);
  const form = useZodForm(twoFactorCodeSchema, { code: '' });
  const submit = useSubmit(form, async ({ code }) => {
    await enableTwoFactor(code);
    await queryClient.invalidateQueries({ queryKey: queryKeys.me() });
    onDone();
  });
  const start = setup.mutate;
  useEffect(() => start(), [start]);
  useEffect(() => {
    if (setup.data) void QRCode.toDataURL(setup.data.otpauth_url, { margin: 1, width: 200 }).then(setQr);
  }, [setup.data]);

  if (setup.isError) return <ErrorState error={setup.error} onRetry={() => setup.mutate()} />;
  if (!setup.data) return <LoadingRows rows={3} />;
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">{t('two_factor_scan')}</p>
      {qr ? <img src={qr} width={200} height={200} alt={t('two_factor_qr_alt')} className="mx-auto" /> : <LoadingRows rows={1} />}
      <div>
        <p className="text-xs text-slate-600">{t('two_factor_secret')}</p>
        <code className="block rounded bg-slate-100 px-2 py-1 text-sm break-all text-slate-900">{setup.data.secret}</code>
      </div>
      <form onSubmit={(e) => void submit(e)} className="space-y-3" noValidate>
        <FormField form={form} name="code" label={t('code')}>
          <CodeInput />
        </FormField>
        <FormAlert form={form} />
        <Button type="submit" variant="primary" disabled={form.formState.isSubmitting}>
          {t('two_factor_confirm')}
        </Button>
      </form>
    </div>
  );
}
