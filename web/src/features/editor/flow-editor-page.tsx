/**
 * The flow editor, mounted by the app at `/flows/$flowId` and `/flows/new`. It owns one store per
 * open flow; the canvas, the YAML view and the forms all edit that store through operations. Saves
 * run one at a time (a mutation scope); a failed save is shown, its optimistic "saved" state rolled
 * back, and its field errors pinned to nodes and fields.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { Redo2, Save, Undo2 } from 'lucide-react';
import { Tabs } from 'radix-ui';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { ApiError } from '../../api/client';
import { editorKeys } from './api/editor-query-keys';
import { editorQueries, flowApi, type FieldIssue, type FlowStatus, type FlowView } from './api/flow-api';
import { EditorContext, type EditorEnvironment } from './components/editor-context';
import { FlowCanvas, type CanvasOverlays } from './components/flow-canvas';
import { LeaveGuard } from './components/leave-guard';
import { issueText } from '../../i18n/server-messages';
import { pinIssues } from './components/server-issues';
import { SidePanel } from './components/side-panel';
import { ErrorNote } from './components/step-preview';
import { TryPanel } from './components/try-panel';
import { useEditorShortcuts } from './components/use-editor-shortcuts';
import { useServerValidation } from './components/use-server-validation';
import { VersionHistory } from './components/version-history';
import { createEditorStore, isDirty, type EditorStore } from './store/editor-store';
import type { FlowDocument } from './store/flow-operations';
import { ConfirmDialog } from '../../ui/confirm-button';

// CodeMirror is its own chunk (the editor chunk stays under the build's size warning); it is fetched as soon as the editor opens.
const loadYamlView = () => import('./components/yaml-view');
const YamlView = lazy(() => loadYamlView().then((m) => ({ default: m.YamlView })));

/** `canEdit`: the signed-in role may change flows (admin, owner); staff see the editor read-only. */
export function FlowEditorPage({ flowId, canEdit = true }: { flowId: string | 'new'; canEdit?: boolean }) {
  const { t } = useTranslation('editor');
  const isNew = flowId === 'new';
  const flow = useQuery({ ...editorQueries.flow(flowId), enabled: !isNew });
  const starter = useMemo<FlowDocument>(
    () => ({
      name: t('newFlow.name'),
      trigger: { event: 'appointment.created' },
      steps: [{ id: 'email_1', email: { to: '{{ contact.email }}', subject: '{{ event.service_name }}', html: '<p>{{ contact.first_name }}</p>' } }],
    }),
    [t],
  );
  if (isNew) return <FlowEditor key="new" initialId={null} initial={starter} canEdit={canEdit} />;
  if (flow.isLoading) {
    return (
      <div role="status" aria-live="polite" className="flex h-full flex-col gap-3 p-4">
        <span className="sr-only">{t('page.loading')}</span>
        <div className="h-10 animate-pulse rounded bg-slate-200" />
        <div className="flex-1 animate-pulse rounded bg-slate-100" />
      </div>
    );
  }
  if (flow.error || !flow.data) {
    return (
      <div className="p-4">
        <h1 className="mb-2 text-lg font-semibold text-slate-900">{t('page.loadFailed')}</h1>
        <ErrorNote error={flow.error} />
        <button type="button" onClick={() => void flow.refetch()} className="mt-2 rounded border border-slate-300 px-3 py-1 text-sm focus:outline-2 focus:outline-blue-600">
          {t('page.retry')}
        </button>
      </div>
    );
  }
  return <FlowEditor key={flow.data.id} initialId={flow.data.id} initial={flow.data.definition} canEdit={canEdit} />;
}

const PERIODS = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
type Period = keyof typeof PERIODS;

const STATUS_ACTIONS: Record<FlowStatus, Array<'activate' | 'pause' | 'resume' | 'archive'>> = {
  draft: ['activate', 'archive'],
  active: ['pause', 'archive'],
  paused: ['resume', 'archive'],
  archived: [],
};

const ACTION_LABELS = { activate: 'status.activate', pause: 'status.pause', resume: 'status.resume', archive: 'status.archive' } as const;
const STATUS_LABELS = { draft: 'status.draft', active: 'status.active', paused: 'status.paused', archived: 'status.archived' } as const;

function FlowEditor({ initialId, initial, canEdit }: { initialId: string | null; initial: FlowDocument; canEdit: boolean }) {
  const { t, i18n } = useTranslation('editor');
  const queryClient = useQueryClient();
  const router = useRouter({ warn: false }) as ReturnType<typeof useRouter> | undefined;
  const [store] = useState<EditorStore>(() => createEditorStore(initial));
  const [flowId, setFlowId] = useState<string | null>(initialId);
  const [saveIssues, setSaveIssues] = useState<FieldIssue[] | null>(null);
  const [confirmArchive, setConfirmArchive] = useState(false);
  const [period, setPeriod] = useState<Period>('7d');
  const [sideTab, setSideTab] = useState('panel');

  const flow = useQuery({ ...editorQueries.flow(flowId ?? 'new'), enabled: flowId !== null });
  const schemas = useQuery(editorQueries.flowSchema());
  const channels = useQuery(editorQueries.channels());
  const secrets = useQuery(editorQueries.secrets());
  const counts = useQuery({ ...editorQueries.stepCounts(flowId ?? 'new', PERIODS[period]), enabled: flowId !== null });
  const validation = useServerValidation(store);

  const dirty = useStore(store, isDirty);
  const canUndo = useStore(store, (s) => s.past.length > 0);
  const canRedo = useStore(store, (s) => s.future.length > 0);
  const refused = useStore(store, (s) => s.refused);
  const status: FlowStatus = flow.data?.status ?? 'draft';
  const readOnly = status === 'archived' || !canEdit;

  const save = useMutation({
    scope: { id: `flow-save-${initialId ?? 'new'}` },
    mutationFn: async (document: FlowDocument) => (flowId ? flowApi.update(flowId, document) : flowApi.create(document)),
    onMutate: (document) => {
      const previous = store.getState().baseline;
      store.getState().markSaved(document);
      setSaveIssues(null);
      return { previous };
    },
    onError: (error, _document, context) => {
      if (context) store.getState().markSaved(context.previous);
      if (error instanceof ApiError) setSaveIssues(error.details.length ? error.details : error.path ? [{ path: error.path, message: error.message }] : []);
    },
    onSuccess: (saved: FlowView) => {
      store.getState().markSaved(saved.definition);
      queryClient.setQueryData(editorKeys.flow(saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: editorKeys.versions(saved.id) });
      void queryClient.invalidateQueries({ queryKey: editorKeys.all, exact: true });
      if (!flowId) {
        setFlowId(saved.id);
        void router?.navigate({ to: '/flows/$flowId', params: { flowId: saved.id }, replace: true } as never);
      }
    },
  });

  const lifecycle = useMutation({
    mutationFn: (action: 'activate' | 'pause' | 'resume' | 'archive') => flowApi.lifecycle(flowId!, action),
    onSuccess: (view) => {
      queryClient.setQueryData(editorKeys.flow(view.id), (old: FlowView | undefined) => (old ? { ...old, ...view } : old));
      void queryClient.invalidateQueries({ queryKey: editorKeys.flow(view.id) });
    },
  });

  const dryRun = useMutation({ mutationFn: (body: { event_id?: string }) => flowApi.dryRun(flowId!, body) });

  useEffect(() => {
    void loadYamlView();
  }, []);

  const onSave = useCallback(() => {
    if (!save.isPending) save.mutate(store.getState().document);
  }, [save, store]);
  useEditorShortcuts(store, { onSave, readOnly });

  // Issues are shown in the UI language (the server words them in English).
  const language = i18n.language;
  const issues = useMemo(
    () => pinIssues((saveIssues ?? validation.issues).map((issue) => ({ ...issue, message: issueText(issue) }))),
    [saveIssues, validation.issues, language],
  );
  const environment = useMemo<EditorEnvironment>(
    () => ({ store, schemas: schemas.data ?? null, channels: channels.data ?? [], secrets: secrets.data ?? [], issues, readOnly }),
    [store, schemas.data, channels.data, secrets.data, issues, readOnly],
  );
  const overlays = useMemo<CanvasOverlays>(
    () => ({
      counts: counts.data ?? null,
      sessionsHref: (stepId) => `/sessions?${new URLSearchParams({ flow_id: flowId ?? '', step_id: stepId })}`,
      trial: dryRun.data?.timeline ?? null,
    }),
    [counts.data, flowId, dryRun.data],
  );
  const issueCount = saveIssues?.length ?? validation.issues.length;
  const name = useStore(store, (s) => s.document.name);
  const toolButton = 'flex items-center gap-1 rounded px-2 py-1 text-sm hover:bg-slate-100 focus:outline-2 focus:outline-blue-600 disabled:opacity-50';
  const tabTrigger = 'rounded-t px-3 py-1.5 text-sm text-slate-700 focus:outline-2 focus:outline-blue-600 data-[state=active]:border-b-2 data-[state=active]:border-blue-700 data-[state=active]:font-semibold data-[state=active]:text-slate-900';

  return (
    <EditorContext.Provider value={environment}>
      <LeaveGuard dirty={dirty} message={t('page.leaveConfirm')} />
      <div className="flex h-full min-h-[36rem] flex-col bg-slate-50 text-slate-900">
        <header className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-white px-3 py-2">
          <h1 className="min-w-0 truncate text-lg font-semibold">
            <button type="button" onClick={() => store.getState().select('flow')} className="max-w-full truncate hover:underline focus:outline-2 focus:outline-blue-600">
              {typeof name === 'string' && name ? name : t('page.untitled')}
            </button>
          </h1>
          <span className="rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-800">{t(STATUS_LABELS[status])}</span>
          {flow.data ? <span className="text-xs text-slate-600">{t('page.version', { version: flow.data.version })}</span> : null}
          <span role="status" aria-live="polite" className="text-xs text-slate-700">
            {save.isPending ? t('page.saving') : dirty ? t('page.unsaved') : t('page.saved')}
            {issueCount > 0 ? ` · ${t('page.problems', { count: issueCount })}` : ''}
          </span>
          <div className="ml-auto flex flex-wrap items-center gap-1" role="toolbar" aria-label={t('page.toolbar')}>
            <button type="button" className={toolButton} disabled={!canUndo || readOnly} onClick={() => store.getState().undo()} aria-keyshortcuts="Control+Z Meta+Z">
              <Undo2 aria-hidden="true" className="size-4" />
              {t('page.undo')}
            </button>
            <button type="button" className={toolButton} disabled={!canRedo || readOnly} onClick={() => store.getState().redo()} aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z Control+Y">
              <Redo2 aria-hidden="true" className="size-4" />
              {t('page.redo')}
            </button>
            <button
              type="button"
              onClick={onSave}
              disabled={readOnly || save.isPending || (!dirty && flowId !== null)}
              aria-keyshortcuts="Control+S Meta+S"
              className="flex items-center gap-1 rounded bg-blue-700 px-3 py-1 text-sm font-medium text-white hover:bg-blue-600 focus:outline-2 focus:outline-offset-2 focus:outline-blue-600 disabled:opacity-50"
            >
              <Save aria-hidden="true" className="size-4" />
              {t('page.save')}
            </button>
            {flowId && canEdit
              ? STATUS_ACTIONS[status].map((action) => (
                  <button
                    key={action}
                    type="button"
                    disabled={lifecycle.isPending || (action !== 'archive' && dirty)}
                    title={action !== 'archive' && dirty ? t('status.saveFirst') : undefined}
                    onClick={() => (action === 'archive' ? setConfirmArchive(true) : lifecycle.mutate(action))}
                    className={`${toolButton} border border-slate-300`}
                  >
                    {t(ACTION_LABELS[action])}
                  </button>
                ))
              : null}
            <ConfirmDialog
              open={confirmArchive}
              onOpenChange={setConfirmArchive}
              question={t('status.archiveConfirm')}
              confirmLabel={t(ACTION_LABELS.archive)}
              onConfirm={() => lifecycle.mutate('archive')}
            />
            {/* Shown while the counts load, so the toolbar does not shift under the pointer when they arrive; hidden only when the server has no counts (null). */}
            {flowId && counts.data !== null ? (
              <label className="ml-2 flex items-center gap-1 text-sm">
                {t('counts.period')}
                <select value={period} onChange={(e) => setPeriod(e.target.value as Period)} className="rounded border border-slate-300 bg-white px-1 py-0.5 text-sm focus:outline-2 focus:outline-blue-600">
                  <option value="24h">{t('counts.last24h')}</option>
                  <option value="7d">{t('counts.last7d')}</option>
                  <option value="30d">{t('counts.last30d')}</option>
                </select>
              </label>
            ) : null}
          </div>
        </header>
        {save.error ? (
          <div className="border-b border-red-300 px-3 py-2">
            <p className="text-sm font-medium text-red-800">{t('page.saveFailed')}</p>
            <ErrorNote error={save.error} />
          </div>
        ) : null}
        {lifecycle.error ? (
          <div className="border-b border-red-300 px-3 py-2">
            <ErrorNote error={lifecycle.error} />
          </div>
        ) : null}
        {refused ? (
          <p role="alert" className="border-b border-amber-300 bg-amber-50 px-3 py-1 text-sm text-amber-900">
            {t('page.refused', { reason: refused })}
          </p>
        ) : null}
        {readOnly ? (
          <p className="border-b border-slate-200 bg-slate-100 px-3 py-1 text-sm text-slate-800">{t(status === 'archived' ? 'page.archivedReadOnly' : 'page.viewOnly')}</p>
        ) : null}
        <div className="flex min-h-0 flex-1">
          <Tabs.Root defaultValue="canvas" className="flex min-w-0 flex-1 flex-col">
            <Tabs.List aria-label={t('page.views')} className="flex gap-1 border-b border-slate-200 bg-white px-2">
              <Tabs.Trigger value="canvas" className={tabTrigger}>
                {t('page.canvas')}
              </Tabs.Trigger>
              <Tabs.Trigger value="yaml" className={tabTrigger}>
                {t('page.yaml')}
              </Tabs.Trigger>
              {flowId ? (
                <Tabs.Trigger value="history" className={tabTrigger}>
                  {t('page.history')}
                </Tabs.Trigger>
              ) : null}
            </Tabs.List>
            <Tabs.Content value="canvas" className="min-h-0 flex-1">
              <FlowCanvas overlays={overlays} />
            </Tabs.Content>
            <Tabs.Content value="yaml" className="min-h-0 flex-1 bg-white">
              <Suspense fallback={<p className="animate-pulse p-3 text-sm text-slate-600">{t('yaml.loading')}</p>}>
                <YamlView readOnly={readOnly} />
              </Suspense>
            </Tabs.Content>
            {flowId ? (
              <Tabs.Content value="history" className="min-h-0 flex-1">
                <VersionHistory flowId={flowId} readOnly={readOnly} />
              </Tabs.Content>
            ) : null}
          </Tabs.Root>
          <Tabs.Root value={sideTab} onValueChange={setSideTab} className="flex w-[26rem] shrink-0 flex-col border-l border-slate-200 bg-white">
            <Tabs.List aria-label={t('page.sideViews')} className="flex gap-1 border-b border-slate-200 px-2">
              <Tabs.Trigger value="panel" className={tabTrigger}>
                {t('page.settings')}
              </Tabs.Trigger>
              {flowId ? (
                <Tabs.Trigger value="try" className={tabTrigger}>
                  {t('page.tryIt')}
                </Tabs.Trigger>
              ) : null}
            </Tabs.List>
            <Tabs.Content value="panel" className="min-h-0 flex-1">
              <SidePanel flowId={flowId} readOnly={readOnly} />
            </Tabs.Content>
            {flowId ? (
              <Tabs.Content value="try" className="min-h-0 flex-1">
                <TryPanel dryRun={dryRun} dirty={dirty} onClear={() => dryRun.reset()} />
              </Tabs.Content>
            ) : null}
          </Tabs.Root>
        </div>
      </div>
    </EditorContext.Provider>
  );
}
