import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RETENTION_DAYS_MAX, workspaceChangesSchema } from '../../../../src/core/workspace-input';
import { PLANS, type Plan } from '../../../../src/core/workspace-plan';
import { queryKeys } from '../../api/query-keys';
import { useCan } from '../../api/session';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { ErrorState } from '../../ui/error-state';
import { blankAs, FormAlert, FormField, useSubmit, useZodForm, type ZodForm } from '../../ui/form';
import { Input, Select } from '../../ui/input';
import { LoadingRows } from '../../ui/skeleton';
import { DeliverySettingsCard } from './delivery-settings';
import { updateWorkspace, workspaceQuery, type Workspace } from './settings-api';

const ZONES: string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];

export function WorkspaceSettings() {
  const workspace = useQuery(workspaceQuery);
  if (workspace.isPending) return <LoadingRows rows={5} />;
  if (workspace.isError) return <ErrorState error={workspace.error} onRetry={() => void workspace.refetch()} />;
  return (
    <div className="grid gap-6">
      <WorkspaceForm workspace={workspace.data} />
      <DeliverySettingsCard />
    </div>
  );
}

/**
 * A number input's text as the API's number, or null for no value. The form also passes the
 * loaded value through here (a number or null), which stays as it is.
 */
const numberOrNull = (value: unknown): number | null => {
  if (typeof value === 'number' || value === null || value === undefined) return value ?? null;
  const text = String(value).trim();
  return text === '' ? null : Number(text);
};

/** The form's values for `workspace` as the server holds it. */
const formValues = (workspace: Workspace) => ({
  name: workspace.name,
  timezone: workspace.timezone,
  sender_email: workspace.sender_email,
  country: workspace.country,
  plan: workspace.plan as Plan,
  flow_limit: workspace.flow_limit,
  retention_events_days: workspace.retention_events_days,
  retention_deliveries_days: workspace.retention_deliveries_days,
  retention_outbox_days: workspace.retention_outbox_days,
});

function WorkspaceForm({ workspace }: { workspace: Workspace }) {
  const { t } = useTranslation('settings');
  const canEdit = useCan('admin');
  const isOwner = useCan('owner');
  const queryClient = useQueryClient();
  const form = useZodForm(workspaceChangesSchema, formValues(workspace));
  const [saved, setSaved] = useState<Workspace | null>(null);
  // After a save, show what the server keeps (trimmed, upper-cased country), not what was typed,
  // and start clean from it (react-hook-form resets after the submit has finished, not inside it).
  const { isSubmitSuccessful } = form.formState;
  useEffect(() => {
    if (isSubmitSuccessful && saved) form.reset(formValues(saved), { keepIsSubmitSuccessful: true });
  }, [form, isSubmitSuccessful, saved]);
  // Plan and flow limit are owners' (disabled fields are left out of the body).
  const ownerOnly = { disabled: !isOwner };
  const submit = useSubmit(form, async (changes) => {
    setSaved(await updateWorkspace(changes));
    await Promise.all([queryClient.invalidateQueries({ queryKey: queryKeys.workspace() }), queryClient.invalidateQueries({ queryKey: queryKeys.me() })]);
  });
  const zone = form.watch('timezone') ?? workspace.timezone;
  return (
    <Card title={t('workspace_title')}>
      <form onSubmit={(e) => void submit(e)} className="grid max-w-2xl gap-4 sm:grid-cols-2" noValidate>
        <fieldset disabled={!canEdit} className="contents">
          <FormField form={form} name="name" label={t('name')}>
            <Input />
          </FormField>
          <FormField form={form} name="timezone" label={t('timezone')}>
            <Select>
              {(ZONES.includes(zone) ? ZONES : [zone, ...ZONES]).map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </Select>
          </FormField>
          <FormField form={form} name="sender_email" label={t('sender')} hint={t('sender_hint')} options={{ setValueAs: blankAs(null) }}>
            <Input />
          </FormField>
          <FormField form={form} name="country" label={t('country')} hint={t('country_hint')} options={{ setValueAs: blankAs(null) }}>
            <Input maxLength={2} />
          </FormField>
          <FormField form={form} name="plan" label={t('plan')} hint={isOwner ? undefined : t('owner_only')} options={ownerOnly}>
            <Select>
              {PLANS.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </Select>
          </FormField>
          <FormField form={form} name="flow_limit" label={t('flow_limit')} hint={t('flow_limit_hint')} options={{ ...ownerOnly, setValueAs: numberOrNull }}>
            <Input type="number" min={1} />
          </FormField>
          <RetentionFields form={form} />
        </fieldset>
        <div className="sm:col-span-2">
          <FormAlert form={form} className="mb-2 text-sm text-red-700" />
          {form.formState.isSubmitSuccessful && (
            <p role="status" className="mb-2 text-sm text-emerald-800">
              {t('saved')}
            </p>
          )}
          {canEdit && (
            <Button type="submit" variant="primary" disabled={form.formState.isSubmitting}>
              {t('save')}
            </Button>
          )}
        </div>
      </form>
    </Card>
  );
}

/** Days events, delivery logs and outbox emails are kept; empty keeps them forever. */
function RetentionFields({ form }: { form: ZodForm<typeof workspaceChangesSchema> }) {
  const { t } = useTranslation('settings');
  const fields = [
    ['retention_events_days', t('retention_events_days')],
    ['retention_deliveries_days', t('retention_deliveries_days')],
    ['retention_outbox_days', t('retention_outbox_days')],
  ] as const;
  return (
    <fieldset className="grid gap-4 sm:col-span-2 sm:grid-cols-3">
      <legend className="mb-1 text-sm font-semibold text-slate-800">{t('retention_title')}</legend>
      <p className="text-sm text-slate-600 sm:col-span-3">{t('retention_hint')}</p>
      {fields.map(([name, label]) => (
        <FormField key={name} form={form} name={name} label={label} options={{ setValueAs: numberOrNull }}>
          <Input type="number" min={1} max={RETENTION_DAYS_MAX} step={1} />
        </FormField>
      ))}
    </fieldset>
  );
}
