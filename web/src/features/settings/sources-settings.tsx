import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { useCan } from '../../api/session';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { ConfirmButton } from '../../ui/confirm-button';
import { Card } from '../../ui/card';
import { CopyButton } from '../../ui/copy-button';
import { DateTime } from '../../ui/date-time';
import { ErrorState } from '../../ui/error-state';
import { Field } from '../../ui/field';
import { Input, Select, Textarea } from '../../ui/input';
import { ListTable } from '../../ui/list-panel';
import { actionsColumn, Td, Tr } from '../../ui/table';
import { RotateCredentialsDialog } from './rotate-credentials-dialog';
import { SourceDetail } from './source-detail';
import { createSource, CREDENTIAL_FIELDS, deleteSource, KIND_LABEL, OUTCOME_LABEL, parseJson, rotateSource, SOURCE_KINDS, sourcesQuery, type Source, type SourceKind } from './sources-api';

const EXAMPLE_MAPPING = JSON.stringify({ name: 'appointment.created', 'contact.email': '$.email', 'appointment.id': '$.id', 'appointment.start_at': '$.start' }, null, 2);

/** The secret of a source just created or rotated, shown this once. */
function SecretOnce({ source }: { source: Source }) {
  const { t } = useTranslation('settings');
  return (
    <div role="status" className="mb-4 rounded-md bg-amber-50 p-3 text-sm">
      <p className="font-medium text-slate-900">{source.secret ? t('source_secret_once') : t('source_saved_credentials')}</p>
      {source.secret && (
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <code className="break-all text-slate-900">{source.secret}</code>
          <CopyButton text={source.secret} />
        </div>
      )}
    </div>
  );
}

function CreateSourceForm({ onCreated }: { onCreated: (source: Source) => void }) {
  const { t } = useTranslation('settings');
  const [kind, setKind] = useState<SourceKind>('calcom');
  const [name, setName] = useState('');
  const [scheme, setScheme] = useState<'standard' | 'hmac'>('standard');
  const [mapping, setMapping] = useState(EXAMPLE_MAPPING);
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const create = useMutation({ mutationFn: createSource, onSuccess: (s) => (setName(''), setCredentials({}), onCreated(s)) });
  const failure = create.error instanceof ApiError ? create.error : null;
  const fieldError = (path: string) => (failure?.path === path ? failure.message : failure?.details.find((d) => d.path === path || d.path.startsWith(`${path}.`))?.message);
  const parsedMapping = parseJson(mapping);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const verification = scheme === 'standard' ? { scheme } : { scheme, header: 'X-Signature' };
    const config = kind === 'generic' && parsedMapping.ok ? { verification, mapping: parsedMapping.value } : undefined;
    create.mutate({ kind, name, ...(config ? { config } : {}), ...(CREDENTIAL_FIELDS[kind] ? { credentials } : {}) });
  };
  return (
    <form onSubmit={submit} className="mb-4 grid max-w-2xl gap-3" noValidate>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label={t('source_kind')}>
          <Select value={kind} onChange={(e) => setKind(e.target.value as SourceKind)}>
            {SOURCE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(KIND_LABEL[k])}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t('source_name')} error={fieldError('name')}>
          <Input value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
      </div>
      {CREDENTIAL_FIELDS[kind]?.map((f) => (
        <Field key={f.name} label={t(f.label)} error={fieldError(`credentials.${f.name}`)}>
          <Input value={credentials[f.name] ?? ''} autoComplete="off" onChange={(e) => setCredentials({ ...credentials, [f.name]: e.target.value })} />
        </Field>
      ))}
      {kind === 'generic' && (
        <>
          <Field label={t('source_verification')}>
            <Select value={scheme} onChange={(e) => setScheme(e.target.value as 'standard' | 'hmac')}>
              <option value="standard">{t('source_verification_standard')}</option>
              <option value="hmac">{t('source_verification_hmac')}</option>
            </Select>
          </Field>
          <Field label={t('source_mapping')} hint={t('source_mapping_hint')} error={parsedMapping.ok ? fieldError('config.mapping') : t('source_not_json')}>
            <Textarea rows={6} className="font-mono text-xs" value={mapping} onChange={(e) => setMapping(e.target.value)} />
          </Field>
        </>
      )}
      <div>
        <Button type="submit" variant="primary" disabled={create.isPending || !name.trim() || (kind === 'generic' && !parsedMapping.ok)}>
          {t('source_create')}
        </Button>
      </div>
      {create.isError && !failure?.path && failure?.details.length === 0 && <ErrorState error={create.error} />}
    </form>
  );
}

function LastDelivery({ source }: { source: Source }) {
  const { t } = useTranslation('settings');
  const last = source.last_delivery;
  if (!last) return <span className="text-slate-500">{t('source_nothing_yet')}</span>;
  return (
    <span className="flex flex-wrap items-center gap-2">
      <DateTime value={last.received_at} />
      <Badge>{t(OUTCOME_LABEL[last.outcome])}</Badge>
    </span>
  );
}

/** Settings → Sources: the workspace's inbound webhook URLs. Admins create, rotate and delete; staff see them read-only. */
export function SourcesSettings() {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const canManage = useCan('admin');
  const sources = useQuery(sourcesQuery);
  const [revealed, setRevealed] = useState<Source | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.sources() });
  const shown = (s: Source) => (setRevealed(s), void refresh());
  const [askingFor, setAskingFor] = useState<Source | null>(null);
  const rotate = useMutation({
    mutationFn: ({ source, credentials }: { source: Source; credentials?: Record<string, string> }) => rotateSource(source.id, credentials),
    onSuccess: shown,
  });
  const remove = useMutation({ mutationFn: deleteSource, onSettled: refresh });
  // A source whose vendor holds the secret needs the new credentials; any other gets a new secret at once.
  const startRotate = (source: Source) => (CREDENTIAL_FIELDS[source.kind] ? setAskingFor(source) : rotate.mutate({ source }));
  const current = sources.data?.find((s) => s.id === selected) ?? null;
  return (
    <div className="grid gap-6">
      <Card title={t('sources_title')}>
        <p className="mb-4 text-sm text-slate-700">{t('sources_text')}</p>
        {canManage ? <CreateSourceForm onCreated={shown} /> : <p className="mb-4 text-sm text-slate-600">{t('sources_read_only')}</p>}
        {revealed && <SecretOnce source={revealed} />}
        {(rotate.isError || remove.isError) && <ErrorState error={rotate.error ?? remove.error} />}
        <ListTable
          query={sources}
          empty={t('sources_empty')}
          caption={t('sources_title')}
          columns={[t('source_name'), t('source_kind'), t('source_url'), t('source_last_delivery'), actionsColumn(t('actions'))]}
          row={(s) => (
            <Tr key={s.id}>
              <Td className="font-medium">{s.name}</Td>
              <Td>{t(KIND_LABEL[s.kind])}</Td>
              <Td>
                <span className="flex items-center gap-2">
                  <code className="max-w-xs truncate text-xs" title={s.url}>
                    {s.url}
                  </code>
                  <CopyButton text={s.url} />
                </span>
              </Td>
              <Td>
                <LastDelivery source={s} />
              </Td>
              <Td className="whitespace-nowrap text-right">
                <span className="inline-flex gap-2">
                  <Button size="sm" aria-label={`${t('source_deliveries')}: ${s.name}`} aria-pressed={selected === s.id} onClick={() => setSelected(selected === s.id ? null : s.id)}>
                    {t('source_deliveries')}
                  </Button>
                  {canManage && (
                    <>
                      <Button size="sm" disabled={rotate.isPending} aria-label={`${t('source_rotate')}: ${s.name}`} onClick={() => startRotate(s)}>
                        {t('source_rotate')}
                      </Button>
                      <ConfirmButton size="sm" disabled={remove.isPending} aria-label={`${t('source_delete')}: ${s.name}`} question={t('source_delete_confirm', { name: s.name })} onConfirm={() => remove.mutate(s.id)}>
                        {t('source_delete')}
                      </ConfirmButton>
                    </>
                  )}
                </span>
              </Td>
            </Tr>
          )}
        />
      </Card>
      {current && <SourceDetail source={current} canManage={canManage} />}
      <RotateCredentialsDialog
        source={askingFor}
        pending={rotate.isPending}
        onClose={() => setAskingFor(null)}
        onSubmit={(source, credentials) => {
          setAskingFor(null);
          rotate.mutate({ source, credentials });
        }}
      />
    </div>
  );
}
