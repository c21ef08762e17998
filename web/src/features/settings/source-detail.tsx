import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/query-keys';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { DateTime } from '../../ui/date-time';
import { ErrorState } from '../../ui/error-state';
import { Field } from '../../ui/field';
import { JsonView } from '../../ui/json-view';
import { Textarea } from '../../ui/input';
import { ListTable } from '../../ui/list-panel';
import { actionsColumn, Td, Tr } from '../../ui/table';
import { OUTCOME_LABEL, parseJson, previewSource, replayDelivery, sourceDeliveriesQuery, updateSourceConfig, type Source, type SourceDelivery } from './sources-api';

/** A stored body as JSON when it is (a form body as text). */
function bodyValue(body: string | null | undefined): unknown {
  if (body === null || body === undefined) return '';
  const parsed = parseJson(body);
  return parsed.ok ? parsed.value : body;
}

function DeliveryRow({ source, delivery, canManage }: { source: Source; delivery: SourceDelivery; canManage: boolean }) {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const replay = useMutation({
    mutationFn: () => replayDelivery(source.id, delivery.id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.sources() }),
  });
  return (
    <>
      <Tr>
        <Td>
          <DateTime value={delivery.received_at} />
        </Td>
        <Td>
          <Badge>{t(OUTCOME_LABEL[delivery.outcome])}</Badge> <span className="text-xs text-slate-600">{delivery.status_code}</span>
        </Td>
        <Td className="max-w-xs break-words text-xs">{delivery.reason ?? '—'}</Td>
        <Td className="font-mono text-xs">{delivery.event_ids.join(', ') || '—'}</Td>
        <Td className="whitespace-nowrap text-right">
          <span className="inline-flex gap-2">
            <Button size="sm" aria-expanded={open} aria-label={`${t('source_body')}: ${delivery.id}`} onClick={() => setOpen(!open)}>
              {t('source_body')}
            </Button>
            {canManage && delivery.verified && delivery.body !== null && (
              <Button size="sm" disabled={replay.isPending} aria-label={`${t('source_replay')}: ${delivery.id}`} onClick={() => replay.mutate()}>
                {t('source_replay')}
              </Button>
            )}
          </span>
          {replay.isError && <ErrorState error={replay.error} />}
        </Td>
      </Tr>
      {open && (
        <tr>
          <td colSpan={5} className="p-2">
            <JsonView label={t('source_body')} value={bodyValue(delivery.body)} />
          </td>
        </tr>
      )}
    </>
  );
}

/** The generic source's mapping: edit it, try it on a sample body, save it. */
function MappingEditor({ source, canManage }: { source: Source; canManage: boolean }) {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const [mapping, setMapping] = useState(JSON.stringify(source.config.mapping ?? {}, null, 2));
  const [sample, setSample] = useState('{}');
  const parsedMapping = parseJson(mapping);
  const parsedSample = parseJson(sample);
  const preview = useMutation({ mutationFn: () => previewSource(source.id, parsedSample.ok ? parsedSample.value : {}, parsedMapping.ok ? parsedMapping.value : {}) });
  const save = useMutation({
    mutationFn: () => updateSourceConfig(source.id, { ...source.config, mapping: parsedMapping.ok ? parsedMapping.value : {} }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.sources() }),
  });
  const result = preview.data;
  return (
    <div className="mb-6 grid gap-3">
      <div className="grid gap-3 lg:grid-cols-2">
        <Field label={t('source_mapping')} error={parsedMapping.ok ? undefined : t('source_not_json')}>
          <Textarea rows={8} className="font-mono text-xs" value={mapping} readOnly={!canManage} onChange={(e) => setMapping(e.target.value)} />
        </Field>
        <Field label={t('source_sample')} error={parsedSample.ok ? undefined : t('source_not_json')}>
          <Textarea rows={8} className="font-mono text-xs" value={sample} onChange={(e) => setSample(e.target.value)} />
        </Field>
      </div>
      <div className="flex gap-2">
        <Button disabled={!parsedMapping.ok || !parsedSample.ok || preview.isPending} onClick={() => preview.mutate()}>
          {t('source_preview')}
        </Button>
        {canManage && (
          <Button variant="primary" disabled={!parsedMapping.ok || save.isPending} onClick={() => save.mutate()}>
            {t('source_save_mapping')}
          </Button>
        )}
      </div>
      {(preview.isError || save.isError) && <ErrorState error={preview.error ?? save.error} />}
      {save.isSuccess && <p role="status" className="text-sm text-emerald-700">{t('source_mapping_saved')}</p>}
      {result && (
        <div role="status" aria-label={t('source_preview_result')}>
          {result.outcome === 'events' && <JsonView label={t('source_preview_result')} value={result.events} />}
          {result.outcome === 'ignored' && <p className="text-sm">{t('source_preview_ignored', { reason: result.reason })}</p>}
          {result.issues && result.issues.length > 0 && (
            <ul className="list-disc pl-5 text-sm text-red-700">
              {result.issues?.map((i) => (
                <li key={`${i.path}:${i.message}`}>
                  <code>{i.path}</code>: {i.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

/** One source's received deliveries (and, for a generic source, its mapping). */
export function SourceDetail({ source, canManage }: { source: Source; canManage: boolean }) {
  const { t } = useTranslation('settings');
  const deliveries = useQuery(sourceDeliveriesQuery(source.id));
  return (
    <Card title={t('source_detail_title', { name: source.name })}>
      {source.kind === 'generic' && <MappingEditor key={source.id} source={source} canManage={canManage} />}
      <ListTable
        query={deliveries}
        empty={t('source_nothing_yet')}
        caption={t('source_deliveries')}
        columns={[t('source_received'), t('source_outcome'), t('source_reason'), t('source_events'), actionsColumn(t('actions'))]}
        row={(d) => (
          <DeliveryRow key={d.id} source={source} delivery={d} canManage={canManage} />
        )}
      />
    </Card>
  );
}
