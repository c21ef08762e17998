/**
 * Child processes run plain JavaScript, never through tsx: tsx's loader adds about 47 MB of RSS
 * to a process (measured here: an empty script at 90 MB under `--import tsx` against 43 MB
 * without), which would swamp the worker-memory figures. Each entry is bundled with esbuild
 * (packages left external, ~0.1 s) next to the node_modules it must resolve against:
 *
 * - Nudge's CLI into the root's `node_modules/.cache/nudge-bench/`, so it runs on Nudge's own
 *   dependencies, exactly as `dist/` would (same TypeScript, types stripped);
 * - the bench's own processes (receiver, peer workers, servers) into
 *   `bench/node_modules/.cache/nudge-bench/`, resolving the peers' packages.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { BENCH_DIR, ROOT_DIR } from './report.js';

export type Entry = 'nudge' | 'receiver' | 'peer-worker' | 'peer-api' | 'bare-server';

const SOURCES: Record<Entry, { source: string; outDir: string }> = {
  nudge: { source: join(ROOT_DIR, 'src/cli/main.ts'), outDir: join(ROOT_DIR, 'node_modules/.cache/nudge-bench') },
  receiver: { source: join(BENCH_DIR, 'lib/receiver-main.ts'), outDir: join(BENCH_DIR, 'node_modules/.cache/nudge-bench') },
  'peer-worker': { source: join(BENCH_DIR, 'peers/peer-worker-main.ts'), outDir: join(BENCH_DIR, 'node_modules/.cache/nudge-bench') },
  'peer-api': { source: join(BENCH_DIR, 'peers/peer-api-main.ts'), outDir: join(BENCH_DIR, 'node_modules/.cache/nudge-bench') },
  'bare-server': { source: join(BENCH_DIR, 'lib/bare-server-main.ts'), outDir: join(BENCH_DIR, 'node_modules/.cache/nudge-bench') },
};

const built = new Map<Entry, Promise<string>>();

/** Bundles an entry once per driver process; resolves to the .mjs file to run with `node`. */
export function entryFile(entry: Entry): Promise<string> {
  let file = built.get(entry);
  if (!file) {
    const { source, outDir } = SOURCES[entry];
    const outfile = join(outDir, `${entry}.mjs`);
    file = build({
      entryPoints: [source],
      outfile,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      logLevel: 'warning',
      // Bundled CommonJS helpers need `require` in an ES module.
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    }).then(() => outfile);
    built.set(entry, file);
  }
  return file;
}
