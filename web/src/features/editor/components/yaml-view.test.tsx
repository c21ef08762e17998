import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createEditorStore } from '../store/editor-store';
import { sampleFlow } from '../store/test-flows';
import { withEditor } from './test-support';
import { YamlView } from './yaml-view';

afterEach(cleanup);

describe('YamlView', () => {
  it('tells assistive technology that the YAML cannot be changed when the flow is read-only', () => {
    const { container } = render(withEditor(<YamlView readOnly />, createEditorStore(sampleFlow())));
    expect(container.querySelector('.cm-content')?.getAttribute('aria-readonly')).toBe('true');
  });

  it('is editable text otherwise', () => {
    const { container } = render(withEditor(<YamlView readOnly={false} />, createEditorStore(sampleFlow())));
    const content = container.querySelector('.cm-content');
    expect(content?.getAttribute('contenteditable')).toBe('true');
    expect(content?.getAttribute('aria-readonly')).toBeNull();
  });
});
