/** The open flow as YAML in CodeMirror. Typing replaces the document when the text parses; otherwise the problem is shown and the canvas keeps the last valid document. */
import { yaml } from '@codemirror/lang-yaml';
import CodeMirror, { EditorView } from '@uiw/react-codemirror';
import { useTranslation } from 'react-i18next';
import { useEditor, useEditorEnvironment } from './editor-context';

const extensions = [yaml()];
// Read-only text stays focusable so it can be read and copied; assistive technology is told it cannot be changed.
const readOnlyExtensions = [yaml(), EditorView.contentAttributes.of({ 'aria-readonly': 'true' })];

export function YamlView({ readOnly }: { readOnly: boolean }) {
  const { t } = useTranslation('editor');
  const { store } = useEditorEnvironment();
  const text = useEditor((s) => s.yamlText);
  const problem = useEditor((s) => s.yamlProblem);
  return (
    <div className="flex h-full flex-col">
      {problem ? (
        <p role="alert" className="border-b border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800">
          {problem.kind === 'not_mapping'
            ? t('yaml.notMapping')
            : problem.line
              ? t('yaml.syntaxAt', { line: problem.line, column: problem.column ?? 1, message: problem.message })
              : t('yaml.syntax', { message: problem.message })}{' '}
          {t('yaml.keptLastValid')}
        </p>
      ) : null}
      <CodeMirror
        value={text}
        height="100%"
        className="min-h-0 flex-1 overflow-auto text-sm"
        extensions={readOnly ? readOnlyExtensions : extensions}
        readOnly={readOnly}
        aria-label={t('yaml.label')}
        basicSetup={{ foldGutter: true, highlightActiveLine: true }}
        onChange={(next) => {
          if (next !== store.getState().yamlText) store.getState().editYaml(next);
        }}
      />
    </div>
  );
}
