/** The flow's saved versions, each compared with the document being edited (a YAML line diff), and restored as an undoable edit. */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateTime } from '../../../ui/date-time';
import { editorQueries } from '../api/flow-api';
import { toYaml } from '../store/flow-yaml';
import { useEditor, useEditorEnvironment } from './editor-context';
import { diffLines } from './line-diff';
import { ErrorNote } from './step-preview';

export function VersionHistory({ flowId, readOnly }: { flowId: string; readOnly: boolean }) {
  const { t } = useTranslation('editor');
  const { store } = useEditorEnvironment();
  const versions = useQuery(editorQueries.versions(flowId));
  const current = useEditor((s) => s.yamlText);
  const [chosen, setChosen] = useState<number | null>(null);
  if (versions.isLoading) return <p className="animate-pulse p-3 text-sm text-slate-600">{t('history.loading')}</p>;
  if (versions.error) return <div className="p-3"><ErrorNote error={versions.error} /></div>;
  const list = [...(versions.data ?? [])].sort((x, y) => y.version - x.version);
  if (list.length === 0) return <p className="p-3 text-sm text-slate-700">{t('history.empty')}</p>;
  const selected = list.find((v) => v.version === chosen) ?? list[0]!;
  const diff = diffLines(toYaml(selected.definition), current);
  const changed = diff.some((d) => d.kind !== 'same');
  return (
    <div className="flex h-full min-h-0 gap-3 p-3">
      <ul aria-label={t('history.versions')} className="flex w-48 shrink-0 flex-col gap-1 overflow-y-auto">
        {list.map((v) => (
          <li key={v.version}>
            <button
              type="button"
              aria-pressed={v.version === selected.version}
              onClick={() => setChosen(v.version)}
              className="w-full rounded px-2 py-1 text-left text-sm hover:bg-slate-100 focus:outline-2 focus:outline-blue-600 aria-pressed:bg-blue-100"
            >
              <span className="block font-medium">{t('history.version', { version: v.version })}</span>
              <span className="block text-xs text-slate-600">
                <DateTime value={v.created_at} />
              </span>
            </button>
          </li>
        ))}
      </ul>
      <section aria-labelledby="diff-title" className="flex min-w-0 flex-1 flex-col gap-2">
        <div className="flex items-center gap-2">
          <h2 id="diff-title" className="text-sm font-semibold text-slate-900">
            {t('history.diffTitle', { version: selected.version })}
          </h2>
          <button
            type="button"
            disabled={readOnly || !changed}
            onClick={() => store.getState().dispatch({ type: 'replaceDocument', document: structuredClone(selected.definition) })}
            className="ml-auto rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 focus:outline-2 focus:outline-blue-600 disabled:opacity-50"
          >
            {t('history.restore', { version: selected.version })}
          </button>
        </div>
        <p className="text-xs text-slate-600">{t('history.restoreHint')}</p>
        {changed ? (
          <pre aria-label={t('history.diffLabel')} tabIndex={0} className="min-h-0 flex-1 overflow-auto rounded border border-slate-200 bg-white p-2 font-mono text-xs focus:outline-2 focus:outline-blue-600">
            {diff.map((line, i) => (
              <div key={i} className={line.kind === 'added' ? 'bg-green-100 text-green-900' : line.kind === 'removed' ? 'bg-red-100 text-red-900' : 'text-slate-700'}>
                <span aria-hidden="true">{line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  '}</span>
                <span className="sr-only">{line.kind === 'added' ? t('history.added') : line.kind === 'removed' ? t('history.removed') : ''}</span>
                {line.text}
              </div>
            ))}
          </pre>
        ) : (
          <p className="text-sm text-slate-700">{t('history.same')}</p>
        )}
      </section>
    </div>
  );
}
