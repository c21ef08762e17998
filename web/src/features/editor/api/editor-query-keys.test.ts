import { describe, expect, it } from 'vitest';
import { keysForChange } from '../../../api/query-keys';
import { editorKeys } from './editor-query-keys';

const isPrefix = (prefix: readonly unknown[], key: readonly unknown[]) => prefix.every((part, i) => key[i] === part);

describe('editor query keys', () => {
  it('puts step counts under a key that changes of sessions and deliveries refresh, so the canvas counts are live', () => {
    const key = editorKeys.stepCounts('fl_1', 86_400_000);
    for (const kind of ['sessions', 'deliveries']) expect(keysForChange[kind]!.some((prefix) => isPrefix(prefix, key)), kind).toBe(true);
  });

  it('keeps the step-counts key the same between renders (the window moves at fetch time, not in the key)', () => {
    expect(editorKeys.stepCounts('fl_1', 1000)).toEqual(editorKeys.stepCounts('fl_1', 1000));
  });
});
