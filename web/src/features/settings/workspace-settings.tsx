import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { useCan } from '../../api/session';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { errorMessage, ErrorState } from '../../ui/error-state';
import { Field } from '../../ui/field';
import { Input, Select } from '../../ui/input';
import { LoadingRows } from '../../ui/skeleton';
import { DeliverySettingsCard } from './delivery-settings';
import { PLANS, updateWorkspace, workspaceQuery, type Workspace } from './settings-api';

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

function WorkspaceForm({ workspace }: { workspace: Workspace }) {
  const { t } = useTranslation('settings');
  const canEdit = useCan('admin');
  const isOwner = useCan('owner');
  const queryClient = useQueryClient();
  const [form, setForm] = useState({
    name: workspace.name,
    timezone: workspace.timezone,
    sender_email: workspace.sender_email ?? '',
    country: workspace.country ?? '',
    plan: workspace.plan,
    flow_limit: workspace.flow_limit === null ? '' : String(workspace.flow_limit),
  });
  const save = useMutation({
    mutationFn: () =>
      updateWorkspace({
        name: form.name,
        timezone: form.timezone,
        sender_email: form.sender_email.trim() || null,
        country: form.country.trim() || null,
        ...(isOwner ? { plan: form.plan, flow_limit: form.flow_limit === '' ? null : Number(form.flow_limit) } : {}),
      }),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: queryKeys.workspace() }), queryClient.invalidateQueries({ queryKey: queryKeys.me() })]),
  });
  const failure = save.error instanceof ApiError ? save.error : null;
  const fieldError = (path: string) => (failure?.path === path ? failure.message : failure?.details.find((d) => d.path === path)?.message);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Card title={t('workspace_title')}>
      <form onSubmit={submit} className="grid max-w-2xl gap-4 sm:grid-cols-2" noValidate>
        <Field label={t('name')} error={fieldError('name')}>
          <Input value={form.name} onChange={set('name')} disabled={!canEdit} />
        </Field>
        <Field label={t('timezone')} error={fieldError('timezone')}>
          <Select value={form.timezone} onChange={set('timezone')} disabled={!canEdit}>
            {(ZONES.includes(form.timezone) ? ZONES : [form.timezone, ...ZONES]).map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t('sender')} hint={t('sender_hint')} error={fieldError('sender_email')}>
          <Input value={form.sender_email} onChange={set('sender_email')} disabled={!canEdit} />
        </Field>
        <Field label={t('country')} hint={t('country_hint')} error={fieldError('country')}>
          <Input value={form.country} maxLength={2} onChange={set('country')} disabled={!canEdit} />
        </Field>
        <Field label={t('plan')} hint={isOwner ? undefined : t('owner_only')} error={fieldError('plan')}>
          <Select value={form.plan} onChange={set('plan')} disabled={!isOwner}>
            {PLANS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t('flow_limit')} hint={t('flow_limit_hint')} error={fieldError('flow_limit')}>
          <Input type="number" min={1} value={form.flow_limit} onChange={set('flow_limit')} disabled={!isOwner} />
        </Field>
        <div className="sm:col-span-2">
          {save.isError && !['name', 'timezone', 'sender_email', 'country', 'plan', 'flow_limit'].includes(failure?.path ?? '') && (
            <p role="alert" className="mb-2 text-sm text-red-700">
              {errorMessage(save.error, t('save_failed'))}
            </p>
          )}
          {save.isSuccess && (
            <p role="status" className="mb-2 text-sm text-emerald-800">
              {t('saved')}
            </p>
          )}
          {canEdit && (
            <Button type="submit" variant="primary" disabled={save.isPending}>
              {t('save')}
            </Button>
          )}
        </div>
      </form>
    </Card>
  );
}
