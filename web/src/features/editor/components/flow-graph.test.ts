import { describe, expect, it } from 'vitest';
import { sampleFlow } from '../store/test-flows';
import { buildFlowGraph, layoutFlowGraph } from './flow-graph';

describe('buildFlowGraph', () => {
  it('fans a branch out and joins it again, with an insertion point on every edge', () => {
    const graph = buildFlowGraph(sampleFlow());
    expect(graph.nodes.map((n) => n.id)).toEqual([
      'trigger',
      'steps[0]',
      'steps[1]',
      'steps[1].branch.branches[0].steps[0]',
      'steps[1].branch.otherwise[0]',
      'steps[1]:join',
      'steps[2]',
      'end',
    ]);
    const edges = graph.edges.map((e) => [e.source, e.target, `${e.insert.list}[${e.insert.index}]`, e.label?.kind ?? '']);
    expect(edges).toEqual([
      ['trigger', 'steps[0]', 'steps[0]', ''],
      ['steps[0]', 'steps[1]', 'steps[1]', ''],
      ['steps[1]', 'steps[1].branch.branches[0].steps[0]', 'steps[1].branch.branches[0].steps[0]', 'branch'],
      ['steps[1]', 'steps[1].branch.otherwise[0]', 'steps[1].branch.otherwise[0]', 'otherwise'],
      ['steps[1].branch.branches[0].steps[0]', 'steps[1]:join', 'steps[1].branch.branches[0].steps[1]', ''],
      ['steps[1].branch.otherwise[0]', 'steps[1]:join', 'steps[1].branch.otherwise[1]', ''],
      ['steps[1]:join', 'steps[2]', 'steps[2]', ''],
      ['steps[2]', 'end', 'steps[3]', ''],
    ]);
  });

  it('gives an empty branch a labelled edge straight to the join, inserting at its start', () => {
    const graph = buildFlowGraph({ name: 'x', trigger: { event: '*' }, steps: [{ branch: { branches: [{ when: [], steps: [] }] } }] });
    const empty = graph.edges.find((e) => e.source === 'steps[0]' && e.target === 'steps[0]:join' && e.label?.kind === 'branch');
    expect(empty?.insert).toEqual({ list: 'steps[0].branch.branches[0].steps', index: 0 });
  });

  it('lays out top-down: each step below the one before it', () => {
    const graph = buildFlowGraph(sampleFlow());
    const at = layoutFlowGraph(graph);
    expect(at.get('steps[0]')!.y).toBeGreaterThan(at.get('trigger')!.y);
    expect(at.get('steps[2]')!.y).toBeGreaterThan(at.get('steps[1]:join')!.y);
    expect(at.get('steps[1].branch.branches[0].steps[0]')!.x).not.toBe(at.get('steps[1].branch.otherwise[0]')!.x);
  });
});
