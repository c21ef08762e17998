/** The form for what is selected: a step (by kind), the trigger, or the flow's own settings. */
import { ArrowDown, ArrowUp, Copy, Trash2 } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import type { StepDefinition, TriggerDefinition } from '../../../../../src/core/flow-definition';
import { getIn, splitStepPath, stepKindOf, tokenize, type StepPath } from '../store/step-paths';
import { useEditor, useEditorEnvironment } from './editor-context';
import { SchemaFields } from './schema-fields';
import { issuesUnder } from './server-issues';
import { StepPreview } from './step-preview';
import { APPOINTMENT_TRIGGER_SCHEMA, COMMON_SCHEMA, EVENT_TRIGGER_SCHEMA, FLOW_SCHEMA } from './editor-form-schemas';
import { bodyOf, STEP_KINDS_TABLE } from './step-kinds';
import { templateVariables } from './step-schemas';

function PanelIssues({ messages }: { messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <ul role="alert" className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-800">
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

export function SidePanel({ flowId, readOnly }: { flowId: string | null; readOnly: boolean }) {
  const { t } = useTranslation('editor');
  const selection = useEditor((s) => s.selection);
  return (
    <aside aria-label={t('panel.label')} className="flex h-full flex-col gap-3 overflow-y-auto p-3">
      <fieldset disabled={readOnly} className="contents">
        {selection === null ? <p className="text-sm text-slate-700">{t('panel.nothingSelected')}</p> : null}
        {selection === 'flow' ? <FlowSettingsPanel /> : null}
        {selection === 'trigger' ? <TriggerPanel /> : null}
        {selection !== null && selection !== 'flow' && selection !== 'trigger' ? <StepPanel path={selection} flowId={flowId} /> : null}
      </fieldset>
    </aside>
  );
}

function FlowSettingsPanel() {
  const { t } = useTranslation('editor');
  const { store, issues, schemas } = useEditorEnvironment();
  const doc = useEditor((s) => s.document);
  const mine = issues.get('flow');
  const variables = templateVariables(schemas, null);
  const fields = ['name', 'description', 'session', 'settings'] as const;
  const value = Object.fromEntries(fields.filter((f) => doc[f] !== undefined).map((f) => [f, doc[f]]));
  return (
    <section aria-labelledby="flow-settings-title" className="flex flex-col gap-3">
      <h2 id="flow-settings-title" className="text-base font-semibold text-slate-900">
        {t('panel.flowSettings')}
      </h2>
      <PanelIssues messages={(mine ?? []).filter((i) => !fields.some((f) => i.field.startsWith(f))).map((i) => `${i.field || t('panel.flow')}: ${i.message}`)} />
      <SchemaFields
        schema={FLOW_SCHEMA}
        scope="flow"
        value={value}
        onChange={(key, next) => store.getState().dispatch({ type: 'setFlowFields', fields: { [key]: next } }, { burst: `flow:${key}` })}
        errorsFor={(field) => issuesUnder(mine, field)}
        variablesFor={() => variables}
      />
    </section>
  );
}

function TriggerPanel() {
  const { t } = useTranslation('editor');
  const { store, issues, schemas } = useEditorEnvironment();
  const trigger = useEditor((s) => s.document.trigger) as TriggerDefinition | undefined;
  const mine = issues.get('trigger');
  const kind = trigger && 'appointment' in trigger ? 'appointment' : 'event';
  const variables = templateVariables(schemas, null);
  const setKind = (next: 'event' | 'appointment') => {
    if (next === kind) return;
    store.getState().dispatch({
      type: 'setTrigger',
      trigger: next === 'event' ? { event: 'appointment.created' } : { appointment: { anchor: 'start', before: '24h' } },
    });
  };
  const appointment = trigger && 'appointment' in trigger ? (trigger.appointment as unknown as Record<string, unknown>) : {};
  const event = trigger && 'event' in trigger ? (trigger as unknown as Record<string, unknown>) : {};
  return (
    <section aria-labelledby="trigger-title" className="flex flex-col gap-3">
      <h2 id="trigger-title" className="text-base font-semibold text-slate-900">
        {t('trigger.title')}
      </h2>
      <PanelIssues messages={(mine ?? []).filter((i) => i.field === '' || i.field === 'appointment').map((i) => i.message)} />
      <div role="radiogroup" aria-label={t('trigger.kind')} className="flex gap-4 text-sm">
        {(['event', 'appointment'] as const).map((option) => (
          <label key={option} className="flex items-center gap-1">
            <input type="radio" name="trigger-kind" checked={kind === option} onChange={() => setKind(option)} className="focus:outline-2 focus:outline-blue-600" />
            {option === 'event' ? t('trigger.onEvent') : t('trigger.appointmentTime')}
          </label>
        ))}
      </div>
      {kind === 'event' ? (
        <SchemaFields
          schema={EVENT_TRIGGER_SCHEMA}
          scope="trigger.event"
          value={event}
          onChange={(key, next) => {
            const copy = { ...event };
            if (next === undefined) delete copy[key];
            else copy[key] = next;
            store.getState().dispatch({ type: 'setTrigger', trigger: copy as unknown as TriggerDefinition }, { burst: `trigger:${key}` });
          }}
          errorsFor={(field) => issuesUnder(mine, field)}
          variablesFor={() => variables}
        />
      ) : (
        <SchemaFields
          schema={APPOINTMENT_TRIGGER_SCHEMA}
          scope="trigger.appointment"
          value={appointment}
          onChange={(key, next) => {
            const copy = { ...appointment };
            if (next === undefined) delete copy[key];
            else copy[key] = next;
            store.getState().dispatch({ type: 'setTrigger', trigger: { appointment: copy } as unknown as TriggerDefinition }, { burst: `trigger:${key}` });
          }}
          errorsFor={(field) => issuesUnder(mine, `appointment.${field}`)}
          variablesFor={() => variables}
        />
      )}
    </section>
  );
}

function StepPanel({ path, flowId }: { path: StepPath; flowId: string | null }) {
  const { t } = useTranslation('editor');
  const { store, issues, schemas } = useEditorEnvironment();
  const step = useEditor((s) => getIn(s.document, tokenize(path))) as StepDefinition | undefined;
  const siblings = useEditor((s) => {
    const at = splitStepPath(path);
    const list = at ? getIn(s.document, tokenize(at.list)) : undefined;
    return Array.isArray(list) ? list.length : 0;
  });
  if (!step) return null;
  const kind = stepKindOf(step);
  const mine = issues.get(path);
  const at = splitStepPath(path)!;
  const dispatch = store.getState().dispatch;
  const variables = templateVariables(schemas, null);
  if (!kind) {
    return <PanelIssues messages={[t('panel.unknownKind'), ...(mine ?? []).map((i) => i.message)]} />;
  }
  const view = STEP_KINDS_TABLE[kind];
  const Form = view.Form;
  const common = Object.fromEntries(Object.entries(step).filter(([key]) => key !== kind));
  const replace = (next: StepDefinition, field: string) => dispatch({ type: 'updateStep', path, step: next }, { burst: `${path}:${field}` });
  const fieldsShown = new Set(['id', 'name', 'max_lateness', 'retry', kind]);
  const loose = (mine ?? []).filter((i) => i.field === '' || i.field === kind || !fieldsShown.has(i.field.split(/[.[]/)[0] ?? ''));
  const iconButton = 'flex items-center gap-1 rounded px-2 py-1 text-sm hover:bg-slate-100 focus:outline-2 focus:outline-blue-600 disabled:opacity-50';
  return (
    <section aria-labelledby="step-title" className="flex flex-col gap-3">
      <h2 id="step-title" className="flex items-center gap-2 text-base font-semibold text-slate-900">
        <view.icon aria-hidden="true" className="size-4" />
        {t(view.label)}
      </h2>
      <div className="flex flex-wrap gap-1" role="toolbar" aria-label={t('panel.stepActions')}>
        <button type="button" className={iconButton} disabled={at.index === 0} onClick={() => dispatch({ type: 'moveStep', from: path, toList: at.list, toIndex: at.index - 1 })}>
          <ArrowUp aria-hidden="true" className="size-4" />
          {t('panel.moveUp')}
        </button>
        <button
          type="button"
          className={iconButton}
          disabled={at.index >= siblings - 1}
          onClick={() => dispatch({ type: 'moveStep', from: path, toList: at.list, toIndex: at.index + 1 })}
        >
          <ArrowDown aria-hidden="true" className="size-4" />
          {t('panel.moveDown')}
        </button>
        <button type="button" className={iconButton} onClick={() => dispatch({ type: 'duplicateStep', path })}>
          <Copy aria-hidden="true" className="size-4" />
          {t('panel.duplicate')}
        </button>
        <button type="button" className={`${iconButton} text-red-700`} onClick={() => dispatch({ type: 'deleteStep', path })}>
          <Trash2 aria-hidden="true" className="size-4" />
          {t('panel.delete')}
        </button>
      </div>
      {kind === 'branch' ? <BranchActions path={path} /> : null}
      <PanelIssues messages={loose.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message))} />
      <Form
        kind={kind}
        body={bodyOf(step, kind)}
        onBodyChange={(body, field) => replace({ ...step, [kind]: body } as StepDefinition, `${kind}.${field}`)}
        errorsFor={(field) => issuesUnder(mine, `${kind}.${field}`)}
      />
      <details className="rounded border border-slate-200 p-2">
        <summary className="cursor-pointer text-sm font-medium text-slate-800">{t('panel.stepSettings')}</summary>
        <div className="mt-2">
          <SchemaFields
            schema={COMMON_SCHEMA}
            scope="common"
            value={common}
            onChange={(key, next) => {
              const copy = { ...step } as Record<string, unknown>;
              if (next === undefined) delete copy[key];
              else copy[key] = next;
              replace(copy as unknown as StepDefinition, key);
            }}
            errorsFor={(field) => issuesUnder(mine, field)}
            variablesFor={() => variables}
          />
        </div>
      </details>
      {flowId && (kind === 'email' || kind === 'webhook' || kind === 'send') ? <StepPreview flowId={flowId} path={path} kind={kind} /> : null}
    </section>
  );
}

function BranchActions({ path }: { path: StepPath }) {
  const { t } = useTranslation('editor');
  const { store } = useEditorEnvironment();
  const branches = useEditor((s) => getIn(s.document, [...tokenize(path), 'branch', 'branches'])) as unknown[] | undefined;
  const count = Array.isArray(branches) ? branches.length : 0;
  const dispatch = store.getState().dispatch;
  const button = 'rounded px-2 py-1 text-sm hover:bg-slate-100 focus:outline-2 focus:outline-blue-600 disabled:opacity-50';
  return (
    <div className="flex flex-col gap-1">
      <ul className="flex flex-col gap-1" aria-label={t('branch.list')}>
        {Array.from({ length: count }, (_, i) => (
          <li key={i} className="flex items-center gap-1 text-sm">
            <span className="flex-1">{t('branch.title', { number: i + 1 })}</span>
            <button type="button" className={button} disabled={i === 0} onClick={() => dispatch({ type: 'moveBranch', path, from: i, to: i - 1 })}>
              {t('branch.moveUp', { number: i + 1 })}
            </button>
            <button type="button" className={button} disabled={i === count - 1} onClick={() => dispatch({ type: 'moveBranch', path, from: i, to: i + 1 })}>
              {t('branch.moveDown', { number: i + 1 })}
            </button>
            <button type="button" className={`${button} text-red-700`} disabled={count <= 1} onClick={() => dispatch({ type: 'deleteBranch', path, index: i })}>
              {t('branch.delete', { number: i + 1 })}
            </button>
          </li>
        ))}
      </ul>
      <button
        type="button"
        className={`${button} self-start text-blue-700`}
        onClick={() => dispatch({ type: 'addBranch', path, index: count, branch: { name: t('branch.newName', { number: count + 1 }), when: [{ field: 'contact.language', op: 'exists' }], steps: [] } })}
      >
        {t('branch.add')}
      </button>
    </div>
  );
}
