/**
 * The canvas: renders the document as laid out by flow-graph.ts and dispatches operations; it
 * holds no flow state of its own. Viewport and selection are session state (never in history).
 */
import {
  Background,
  BaseEdge,
  Controls,
  EdgeLabelRenderer,
  getSmoothStepPath,
  Handle,
  MiniMap,
  Position,
  ReactFlow,
  type Edge,
  type EdgeProps,
  type Node,
  type NodeChange,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { AlertTriangle, Zap } from 'lucide-react';
import { useCallback, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { DateTime } from '../../../ui/date-time';
import { placeSteps } from '../../../../../src/core/flow-compiler';
import type { StepCounts, TimelineEntry } from '../api/flow-api';
import type { FlowDocument } from '../store/flow-operations';
import { getIn, stepKindOf, tokenize, type StepPath } from '../store/step-paths';
import { AddStepMenu } from './add-step-menu';
import { useEditor, useEditorEnvironment } from './editor-context';
import { buildFlowGraph, layoutFlowGraph, NODE_SIZE, type GraphEdge } from './flow-graph';
import { bodyOf, STEP_KINDS_TABLE } from './step-kinds';
import { TRIAL_ACTION_LABELS } from './trial-labels';

/** Each step's effective id (explicit, or generated from its position as the server does), by path. */
export function stepIdsByPath(doc: FlowDocument): Map<StepPath, string> {
  const out = new Map<StepPath, string>();
  try {
    placeSteps(Array.isArray(doc.steps) ? doc.steps : [], ({ id, path }) => out.set(path, id));
  } catch {
    // A malformed document (being typed in YAML): nodes show without ids until it is whole again.
  }
  return out;
}

export interface CanvasOverlays {
  counts: StepCounts | null;
  /** Links a count to the sessions at that step. */
  sessionsHref(stepId: string): string;
  trial: TimelineEntry[] | null;
}

type StepNodeData = { path: StepPath; stepId: string | undefined; overlays: CanvasOverlays; issueCount: number };
type TriggerNodeData = { issueCount: number };

function IssueBadge({ count }: { count: number }) {
  const { t } = useTranslation('editor');
  if (count === 0) return null;
  return (
    <span className="absolute -top-2 -right-2 flex items-center gap-1 rounded-full bg-red-700 px-2 py-0.5 text-xs font-semibold text-white" role="status">
      <AlertTriangle aria-hidden="true" className="size-3" />
      {t('canvas.issues', { count })}
    </span>
  );
}

function StepNode({ data, selected }: NodeProps<Node<StepNodeData>>) {
  const { t } = useTranslation('editor');
  const { store } = useEditorEnvironment();
  const step = useEditor((s) => getIn(s.document, tokenize(data.path)));
  const kind = stepKindOf(step);
  const view = kind ? STEP_KINDS_TABLE[kind] : null;
  const Icon = view?.icon;
  const name = (step as { name?: unknown } | undefined)?.name;
  const summary = kind && view ? view.summary(bodyOf(step as never, kind)) : '';
  const count = data.stepId ? data.overlays.counts?.steps.find((c) => c.step_id === data.stepId) : undefined;
  const trial = data.stepId ? data.overlays.trial?.filter((e) => e.step_id === data.stepId) : undefined;
  return (
    <div
      className={`relative rounded-lg border bg-white px-3 py-2 text-left shadow-sm ${selected ? 'border-blue-600 ring-2 ring-blue-600' : 'border-slate-300'} ${data.issueCount ? 'border-red-600' : ''}`}
      style={NODE_SIZE.step}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} className="!opacity-0" />
      <button
        type="button"
        onClick={() => store.getState().select(data.path)}
        aria-pressed={selected}
        className="nodrag block w-full text-left focus:outline-2 focus:outline-blue-600"
      >
        <span className="flex items-center gap-2 text-sm font-semibold text-slate-900">
          {Icon ? <Icon aria-hidden="true" className="size-4 shrink-0" /> : null}
          <span className="truncate">{typeof name === 'string' && name ? name : view ? t(view.label) : t('canvas.unknownStep')}</span>
          {data.stepId ? <span className="ml-auto truncate font-mono text-xs font-normal text-slate-600">{data.stepId}</span> : null}
        </span>
        <span className="mt-1 block truncate font-mono text-xs text-slate-700">{summary}</span>
      </button>
      {count ? (
        <span className="mt-1 flex gap-2 text-xs">
          <a className="nodrag text-slate-700 underline" href={data.overlays.sessionsHref(data.stepId!)}>
            {t('counts.waiting', { count: count.waiting })}
          </a>
          <span className="text-green-800">{t('counts.sent', { count: count.sent })}</span>
          {count.failed ? <span className="text-red-700">{t('counts.failed', { count: count.failed })}</span> : null}
          {count.skipped ? <span className="text-amber-800">{t('counts.skipped', { count: count.skipped })}</span> : null}
        </span>
      ) : null}
      {trial && trial.length > 0 ? (
        <span className="absolute top-1/2 left-full ml-3 w-56 -translate-y-1/2 rounded border border-violet-300 bg-violet-50 px-2 py-1 text-xs text-violet-900">
          {trial.map((entry, i) => (
            <span key={i} className="block">
              {t(TRIAL_ACTION_LABELS[entry.action])} · <DateTime value={entry.at} />
            </span>
          ))}
        </span>
      ) : null}
      <IssueBadge count={data.issueCount} />
      <Handle type="source" position={Position.Bottom} isConnectable={false} className="!opacity-0" />
    </div>
  );
}

function TriggerNode({ data, selected }: NodeProps<Node<TriggerNodeData>>) {
  const { t } = useTranslation('editor');
  const { store } = useEditorEnvironment();
  const trigger = useEditor((s) => s.document.trigger as unknown as Record<string, unknown> | undefined);
  const summary = trigger && 'event' in trigger ? String(trigger.event) : trigger && 'appointment' in trigger ? t('trigger.appointmentTime') : '';
  return (
    <div className={`relative rounded-lg border bg-amber-50 px-3 py-2 shadow-sm ${selected ? 'border-blue-600 ring-2 ring-blue-600' : 'border-amber-400'}`} style={NODE_SIZE.trigger}>
      <button type="button" onClick={() => store.getState().select('trigger')} aria-pressed={selected} className="nodrag block w-full text-left focus:outline-2 focus:outline-blue-600">
        <span className="flex items-center gap-2 text-sm font-semibold text-slate-900">
          <Zap aria-hidden="true" className="size-4" />
          {t('trigger.title')}
        </span>
        <span className="mt-1 block truncate font-mono text-xs text-slate-700">{summary}</span>
      </button>
      <IssueBadge count={data.issueCount} />
      <Handle type="source" position={Position.Bottom} isConnectable={false} className="!opacity-0" />
    </div>
  );
}

function JoinNode() {
  return (
    <div className="size-3.5 rounded-full border border-slate-400 bg-slate-200">
      <Handle type="target" position={Position.Top} isConnectable={false} className="!opacity-0" />
      <Handle type="source" position={Position.Bottom} isConnectable={false} className="!opacity-0" />
    </div>
  );
}

function EndNode() {
  const { t } = useTranslation('editor');
  return (
    <div className="flex items-center justify-center rounded-full border border-slate-400 bg-slate-100 text-xs text-slate-700" style={NODE_SIZE.end}>
      <Handle type="target" position={Position.Top} isConnectable={false} className="!opacity-0" />
      {t('canvas.end')}
    </div>
  );
}

function InsertEdge({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd }: EdgeProps<Edge<{ edge: GraphEdge }>>) {
  const { t } = useTranslation('editor');
  const { readOnly } = useEditorEnvironment();
  const [path, labelX, labelY] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: 12 });
  const edge = data!.edge;
  const label = edge.label ? (edge.label.kind === 'otherwise' ? t('canvas.otherwise') : (edge.label.name ?? t('branch.title', { number: edge.label.index + 1 }))) : null;
  return (
    <>
      <BaseEdge id={id} path={path} {...(markerEnd ? { markerEnd } : {})} />
      <EdgeLabelRenderer>
        <div className="nodrag nopan pointer-events-auto absolute flex flex-col items-center gap-1" style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}>
          {label ? <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-800">{label}</span> : null}
          {readOnly ? null : <AddStepMenu list={edge.insert.list} index={edge.insert.index} label={t('canvas.addStepHere')} />}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

const nodeTypes = { step: StepNode, trigger: TriggerNode, join: JoinNode, end: EndNode };
const edgeTypes = { insert: InsertEdge };

export function FlowCanvas({ overlays }: { overlays: CanvasOverlays }) {
  const { t } = useTranslation('editor');
  const { issues } = useEditorEnvironment();
  const doc = useEditor((s) => s.document);
  const selection = useEditor((s) => s.selection);
  // Sizes React Flow measured, handed back with every new node object: a node without them counts as
  // unmeasured, and React Flow hides it and its edges until it is measured again, which unmounts the
  // add-step menus on the edges (an open menu closed when a validation result arrived).
  const measured = useRef(new Map<string, { width: number; height: number }>());
  const onNodesChange = useCallback((changes: NodeChange[]) => {
    for (const change of changes) if (change.type === 'dimensions' && change.dimensions) measured.current.set(change.id, change.dimensions);
  }, []);

  const { nodes, edges } = useMemo(() => {
    const graph = buildFlowGraph(doc);
    const positions = layoutFlowGraph(graph);
    const ids = stepIdsByPath(doc);
    const nodes: Node[] = graph.nodes.map((n) => {
      const position = positions.get(n.id)!;
      const size = measured.current.get(n.id);
      const base = { id: n.id, type: n.type, position, draggable: false, connectable: false, selected: n.id === selection, ...(size ? { measured: size } : {}) };
      if (n.type === 'step') {
        const data: StepNodeData = { path: n.path, stepId: ids.get(n.path), overlays, issueCount: issues.get(n.path)?.length ?? 0 };
        return { ...base, data, ariaLabel: t('canvas.stepNode', { id: ids.get(n.path) ?? n.path }) };
      }
      if (n.type === 'trigger') return { ...base, data: { issueCount: issues.get('trigger')?.length ?? 0 } satisfies TriggerNodeData };
      return { ...base, data: {}, selectable: false, focusable: false };
    });
    const edges: Edge[] = graph.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, type: 'insert', data: { edge: e }, focusable: false }));
    return { nodes, edges };
  }, [doc, selection, issues, overlays, t]);

  const ariaLabels = useMemo(
    () => ({
      'node.a11yDescription.default': t('canvas.a11y.nodes'),
      'node.a11yDescription.keyboardDisabled': t('canvas.a11y.nodes'),
      'node.a11yDescription.ariaLiveMessage': () => '',
      'edge.a11yDescription.default': t('canvas.a11y.edges'),
      'controls.ariaLabel': t('canvas.a11y.controls'),
      'controls.zoomIn.ariaLabel': t('canvas.a11y.zoomIn'),
      'controls.zoomOut.ariaLabel': t('canvas.a11y.zoomOut'),
      'controls.fitView.ariaLabel': t('canvas.a11y.fitView'),
      'controls.interactive.ariaLabel': t('canvas.a11y.interactive'),
      'minimap.ariaLabel': t('canvas.minimap'),
      'handle.ariaLabel': t('canvas.a11y.handle'),
    }),
    [t],
  );

  return (
    <div className="h-full w-full" aria-label={t('canvas.label')} role="region">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        nodesDraggable={false}
        nodesConnectable={false}
        deleteKeyCode={null}
        nodesFocusable={false}
        edgesFocusable={false}
        ariaLabelConfig={ariaLabels}
        fitView
        minZoom={0.2}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable ariaLabel={t('canvas.minimap')} />
      </ReactFlow>
    </div>
  );
}
