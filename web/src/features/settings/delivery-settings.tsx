/** How this installation delivers (read only: the operator's settings) and a test email to check it. */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { testEmailSchema } from '../../../../src/core/workspace-input';
import { useCan } from '../../api/session';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { ErrorState } from '../../ui/error-state';
import { FormAlert, FormField, useSubmit, useZodForm } from '../../ui/form';
import { Input } from '../../ui/input';
import { LoadingRows } from '../../ui/skeleton';
import { deliveryQuery, sendTestEmail } from './settings-api';

export function DeliverySettingsCard() {
  const { t } = useTranslation('settings');
  const delivery = useQuery(deliveryQuery);
  const canTest = useCan('admin');
  const form = useZodForm(testEmailSchema, { to: '' });
  const test = useMutation({ mutationFn: sendTestEmail });
  const submit = useSubmit(form, ({ to }) => test.mutateAsync(to));
  if (delivery.isPending) return <LoadingRows rows={3} />;
  if (delivery.isError) return <ErrorState error={delivery.error} onRetry={() => void delivery.refetch()} />;
  const { email, outbound_allow: allow } = delivery.data;
  return (
    <Card title={t('delivery_title')}>
      <p className="mb-4 text-sm text-slate-600">{t('delivery_hint')}</p>
      <dl className="grid max-w-2xl gap-3 text-sm sm:grid-cols-[12rem_1fr]">
        <dt className="font-medium text-slate-700">{t('email_transport')}</dt>
        <dd className="text-slate-900">{email.transport === 'smtp' ? t('transport_smtp', { host: email.smtp_host ?? '' }) : t('transport_outbox')}</dd>
        <dt className="font-medium text-slate-700">{t('default_from')}</dt>
        <dd className="break-all text-slate-900">{email.default_from}</dd>
        <dt className="font-medium text-slate-700">{t('outbound_allow')}</dt>
        <dd className="text-slate-900">
          {allow.length === 0 ? (
            t('outbound_allow_none')
          ) : (
            <ul className="flex flex-wrap gap-1">
              {allow.map((entry) => (
                <li key={entry}>
                  <code className="rounded bg-slate-100 px-1.5 py-0.5">{entry}</code>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      {canTest && (
        <form onSubmit={(e) => void submit(e)} className="mt-4 flex max-w-2xl flex-wrap items-start gap-2" noValidate>
          <div className="min-w-64 flex-1">
            <FormField form={form} name="to" label={t('test_email_to')}>
              <Input type="email" autoComplete="email" />
            </FormField>
          </div>
          <Button type="submit" className="mt-6" disabled={form.formState.isSubmitting}>
            {t('send_test_email')}
          </Button>
        </form>
      )}
      {test.isSuccess && (
        <p role="status" className={test.data.ok ? 'mt-2 text-sm text-emerald-800' : 'mt-2 text-sm text-red-700'}>
          {test.data.ok
            ? test.data.transport === 'smtp'
              ? t('test_email_sent_smtp', { to: test.variables })
              : t('test_email_sent_outbox')
            : t('test_email_failed', { error: test.data.error ?? '' })}
        </p>
      )}
      <FormAlert form={form} className="mt-2 text-sm text-red-700" />
    </Card>
  );
}
