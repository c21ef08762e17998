/**
 * Reads a `.cpuprofile` (from `--cpu-prof`) and prints where the time went: self time by
 * function and by file (package for node_modules), and inclusive time of Nudge's own functions.
 *
 *   node --import tsx bench/profile-summary.ts bench/results/profiles/CPU.….cpuprofile [--top 30]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
  hitCount?: number;
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '30' } }, allowPositionals: true });
const top = Number(values.top);

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, k) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0)));
  const totalUs = profile.endTime - profile.startTime;

  const where = (n: Node) => {
    const url = n.callFrame.url;
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (m) return m[1]!;
    if (url.startsWith('node:')) return url;
    if (!url) return `(${n.callFrame.functionName || 'native'})`;
    return url.replace(/^.*\/(src|bench)\//, '$1/');
  };
  const label = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${where(n)}:${n.callFrame.lineNumber + 1}`;

  const selfByFn = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    selfByFn.set(label(n), (selfByFn.get(label(n)) ?? 0) + us);
    selfByFile.set(where(n), (selfByFile.get(where(n)) ?? 0) + us);
    // Inclusive: credit every distinct frame on the stack once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!);
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + us);
    }
  }
  const print = (title: string, map: Map<string, number>, filter: (k: string) => boolean = () => true) => {
    process.stdout.write(`\n${title}\n`);
    [...map.entries()]
      .filter(([k]) => filter(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .forEach(([k, us]) => process.stdout.write(`${((100 * us) / totalUs).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(8)} ms  ${k}\n`));
  };
  process.stdout.write(`${file}: ${(totalUs / 1e6).toFixed(1)} s profiled\n`);
  print('self time by file/package', selfByFile);
  print('self time by function', selfByFn);
  print("inclusive time, Nudge's own functions", inclusive, (k) => / src\//.test(k));
}
