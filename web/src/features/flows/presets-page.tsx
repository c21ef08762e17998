import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { useCan } from '../../api/session';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Dialog } from '../../ui/dialog';
import { ErrorState, fieldErrorText } from '../../ui/error-state';
import { Field } from '../../ui/field';
import { Input } from '../../ui/input';
import { ListPanel } from '../../ui/list-panel';
import { PageHeader } from '../../ui/page-header';
import { PRESET_CATEGORY_LABEL } from './flow-labels';
import { createFromPreset, presetsQuery, type Preset } from './flows-api';
import { usePresetText } from './preset-text';

export function PresetsPage() {
  const { t } = useTranslation('flows');
  const presets = useQuery(presetsQuery);
  const text = usePresetText();
  const [chosen, setChosen] = useState<Preset | null>(null);
  // Staff may look at presets but not create flows from them (the server answers 403).
  const canCreate = useCan('admin');
  return (
    <div>
      <PageHeader title={t('presets_title')} description={t('presets_text')} />
      {canCreate ? null : <p className="mb-4 text-sm text-slate-700">{t('presets_view_only')}</p>}
      <ListPanel query={presets} empty={t('presets_empty')}>
        {(rows) => (
          <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
            {rows.map((p) => (
              <li key={p.id} className="flex flex-col rounded-lg border border-slate-200 bg-white p-4">
                <div className="flex items-start justify-between gap-2">
                  <h2 className="font-semibold text-slate-900">{text.name(p)}</h2>
                  <Badge>{PRESET_CATEGORY_LABEL[p.category] ? t(PRESET_CATEGORY_LABEL[p.category]!) : p.category}</Badge>
                </div>
                <p className="mt-2 flex-1 text-sm text-slate-700">{text.description(p)}</p>
                {canCreate ? (
                  <Button className="mt-4 self-start" onClick={() => setChosen(p)} aria-label={`${t('use_preset')}: ${text.name(p)}`}>
                    {t('use_preset')}
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </ListPanel>
      {chosen && <PresetDialog preset={chosen} onClose={() => setChosen(null)} />}
    </div>
  );
}

function PresetDialog({ preset, onClose }: { preset: Preset; onClose: () => void }) {
  const { t } = useTranslation('flows');
  const queryClient = useQueryClient();
  const text = usePresetText();
  const [name, setName] = useState(() => text.name(preset));
  const [values, setValues] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: (activate: boolean) =>
      createFromPreset(preset.id, { name, activate, placeholders: Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')) }),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: queryKeys.flows.all() }), queryClient.invalidateQueries({ queryKey: queryKeys.secrets() })]),
  });
  const failure = create.error instanceof ApiError ? create.error : null;
  const fieldError = (path: string) => fieldErrorText(failure, path);
  const submit = (activate: boolean) => (e?: FormEvent) => {
    e?.preventDefault();
    create.mutate(activate);
  };
  const result = create.data?.data;
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()} title={text.name(preset)} description={text.description(preset)}>
      {result ? (
        <div className="space-y-3 text-sm">
          <p role="status" className="text-emerald-800">{t('preset_created', { name: result.flow.name })}</p>
          {result.missing_placeholders.length > 0 && <p>{t('missing_placeholders', { names: result.missing_placeholders.join(', ') })}</p>}
          {result.missing_secrets.length > 0 && <p>{t('missing_secrets', { names: result.missing_secrets.join(', ') })}</p>}
          <Link to="/flows/$flowId" params={{ flowId: result.flow.id }} className="font-medium text-indigo-700 underline">
            {t('open_flow')}
          </Link>
        </div>
      ) : (
        <form onSubmit={submit(false)} className="space-y-4" noValidate>
          <Field label={t('flow_name')} error={fieldError('name')}>
            <Input value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          {preset.placeholders.map((p) => (
            <Field key={p.name} label={text.placeholder(p).label} hint={text.placeholder(p).help + (p.secret ? ` ${t('secret_hint', { name: p.name })}` : '')} error={fieldError(`placeholders.${p.name}`)}>
              <Input
                type={p.secret ? 'password' : 'text'}
                autoComplete="off"
                placeholder={p.example}
                value={values[p.name] ?? ''}
                onChange={(e) => setValues({ ...values, [p.name]: e.target.value })}
              />
            </Field>
          ))}
          {create.isError && <ErrorState error={create.error} title={t('create_failed')} />}
          <div className="flex flex-wrap justify-end gap-2">
            <Button type="submit" disabled={create.isPending}>
              {t('create_draft')}
            </Button>
            <Button variant="primary" disabled={create.isPending} onClick={() => submit(true)()}>
              {t('create_live')}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
