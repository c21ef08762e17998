/**
 * The flow document as a graph for the canvas: the trigger, one node per step, a join after each
 * branch step where its branches meet again, and an end. Every edge knows where a step inserted on
 * it would go (`insert`), so the canvas can offer "add a step here" on each one. Laid out top-down
 * with dagre.
 */
import dagre from '@dagrejs/dagre';
import type { FlowDocument } from '../store/flow-operations';
import { branchListPath, stepKindOf, stepPathOf, type ListPath, type StepPath } from '../store/step-paths';

export type GraphNode =
  | { id: 'trigger'; type: 'trigger' }
  | { id: 'end'; type: 'end' }
  | { id: StepPath; type: 'step'; path: StepPath }
  | { id: string; type: 'join'; path: StepPath };

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** A branch's name (or index) on the edge leaving a branch step; `otherwise` for its otherwise path. */
  label?: { kind: 'branch'; index: number; name?: string } | { kind: 'otherwise' };
  insert: { list: ListPath; index: number };
}

export interface FlowGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function buildFlowGraph(doc: FlowDocument): FlowGraph {
  const nodes: GraphNode[] = [{ id: 'trigger', type: 'trigger' }];
  const edges: GraphEdge[] = [];

  const edge = (source: string, target: string, insert: GraphEdge['insert'], label?: GraphEdge['label']) => {
    edges.push({ id: `${source}->${target}@${insert.list}[${insert.index}]`, source, target, insert, ...(label ? { label } : {}) });
  };

  /** Lays out a list after `from`; returns the node the list ends on and where the edge out of it inserts. */
  const walk = (list: ListPath, steps: unknown, from: string, label: GraphEdge['label'] | undefined) => {
    const items = Array.isArray(steps) ? steps : [];
    let previous = from;
    let pendingLabel = label;
    items.forEach((step: unknown, i) => {
      const path = stepPathOf(list, i);
      nodes.push({ id: path, type: 'step', path });
      edge(previous, path, { list, index: i }, pendingLabel);
      pendingLabel = undefined;
      previous = path;
      if (stepKindOf(step) === 'branch') {
        const branch = (step as { branch: { branches?: unknown; otherwise?: unknown } }).branch;
        const join = `${path}:join`;
        const ends: Array<{ last: string; list: ListPath; length: number; label: GraphEdge['label'] | undefined }> = [];
        const branches = Array.isArray(branch?.branches) ? branch.branches : [];
        branches.forEach((b: unknown, j) => {
          const name = (b as { name?: unknown } | null)?.name;
          const branchLabel: GraphEdge['label'] = { kind: 'branch', index: j, ...(typeof name === 'string' && name ? { name } : {}) };
          const subList = branchListPath(path, j);
          ends.push({ ...walk(subList, (b as { steps?: unknown } | null)?.steps, path, branchLabel), list: subList });
        });
        const otherwise = branchListPath(path, 'otherwise');
        ends.push({ ...walk(otherwise, branch?.otherwise, path, { kind: 'otherwise' }), list: otherwise });
        nodes.push({ id: join, type: 'join', path });
        for (const end of ends) edge(end.last, join, { list: end.list, index: end.length }, end.label);
        previous = join;
      }
    });
    return { last: previous, length: items.length, label: pendingLabel };
  };

  const main = walk('steps', doc.steps, 'trigger', undefined);
  nodes.push({ id: 'end', type: 'end' });
  edge(main.last, 'end', { list: 'steps', index: main.length });
  return { nodes, edges };
}

export const NODE_SIZE = { trigger: { width: 260, height: 76 }, step: { width: 260, height: 88 }, join: { width: 14, height: 14 }, end: { width: 96, height: 36 } };

/** Top-left positions for every node, ranked top-down so branches fan out and meet at their join. */
export function layoutFlowGraph(graph: FlowGraph): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 48, ranksep: 56 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) g.setNode(node.id, { ...NODE_SIZE[node.type] });
  for (const e of graph.edges) g.setEdge(e.source, e.target, {}, e.id);
  dagre.layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const node of graph.nodes) {
    const placed = g.node(node.id);
    const size = NODE_SIZE[node.type];
    out.set(node.id, { x: placed.x - size.width / 2, y: placed.y - size.height / 2 });
  }
  return out;
}
