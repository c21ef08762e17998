/**
 * Starts the end-to-end files (test/e2e: each runs real `nudge` processes, for minutes in all)
 * before the others, so that neither of the two workers is left with one of them at the end of
 * the run. Vitest orders files by their last durations when it has them (node_modules/.vite), but
 * a fresh clone (CI) has none and falls back to file size, which put these short, slow files in
 * the second half. Within each group the order stays vitest's own. The browser files (test/web)
 * keep vitest's order: the first of them builds the web app, and two starting together would
 * both build it into the same folder.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const END_TO_END = /\/test\/e2e\//;

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted.filter((f) => END_TO_END.test(f.moduleId)), ...sorted.filter((f) => !END_TO_END.test(f.moduleId))];
  }
}
