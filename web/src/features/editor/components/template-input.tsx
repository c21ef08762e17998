/**
 * A text field for Liquid templates that offers variables after `{{`: `contact.first_name`,
 * `event.service_name`, and `secrets.NAME` only where the field may use secrets. A combobox in the
 * ARIA sense: arrows move, Enter or Tab accepts, Escape closes.
 */
import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';

export interface TemplateInputProps {
  id?: string;
  value: string;
  onChange(value: string): void;
  variables: readonly string[];
  multiline?: boolean;
  invalid?: boolean;
  describedBy?: string;
  label?: string;
}

const OPEN_TAG = /\{\{\s*([\w.]*)$/;
const MAX_SUGGESTIONS = 8;

export function TemplateInput({ id, value, onChange, variables, multiline, invalid, describedBy, label }: TemplateInputProps) {
  const { t } = useTranslation('editor');
  const listId = useId();
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [query, setQuery] = useState<string | null>(null);
  const [active, setActive] = useState(0);

  const suggestions = useMemo(() => {
    if (query === null) return [];
    const q = query.toLowerCase();
    const starts = variables.filter((v) => v.toLowerCase().startsWith(q));
    const contains = variables.filter((v) => !v.toLowerCase().startsWith(q) && v.toLowerCase().includes(q));
    return [...starts, ...contains].slice(0, MAX_SUGGESTIONS);
  }, [query, variables]);
  const open = suggestions.length > 0;

  const refresh = (text: string, caret: number) => {
    const match = OPEN_TAG.exec(text.slice(0, caret));
    setQuery(match ? (match[1] ?? '') : null);
    setActive(0);
  };

  const accept = (variable: string) => {
    const element = ref.current;
    const caret = element?.selectionStart ?? value.length;
    const before = value.slice(0, caret).replace(OPEN_TAG, (whole, partial: string) => whole.slice(0, whole.length - partial.length) + variable);
    const after = value.slice(caret);
    const closing = /^\s*\}\}/.test(after) ? '' : ' }}';
    const next = `${before}${closing}${after}`;
    onChange(next);
    setQuery(null);
    requestAnimationFrame(() => {
      const position = before.length + closing.length;
      element?.setSelectionRange(position, position);
    });
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (!open) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + step + suggestions.length) % suggestions.length);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      accept(suggestions[active]!);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setQuery(null);
    }
  };

  const common = {
    id,
    ref,
    value,
    // A textarea keeps its textbox role (combobox is not allowed on it) and still points at the list.
    ...(multiline ? {} : { role: 'combobox', 'aria-expanded': open }),
    'aria-autocomplete': 'list' as const,
    'aria-controls': listId,
    'aria-activedescendant': open ? `${listId}-${active}` : undefined,
    'aria-invalid': invalid || undefined,
    'aria-describedby': describedBy,
    'aria-label': label,
    onKeyDown,
    onBlur: () => setQuery(null),
    onChange: (event: { target: HTMLInputElement | HTMLTextAreaElement }) => {
      onChange(event.target.value);
      refresh(event.target.value, event.target.selectionStart ?? event.target.value.length);
    },
    className:
      'w-full rounded border border-slate-300 bg-white px-2 py-1 font-mono text-sm text-slate-900 focus:outline-2 focus:outline-blue-600 aria-invalid:border-red-600',
  };

  return (
    <div className="relative">
      {multiline ? <textarea rows={5} {...common} /> : <input type="text" autoComplete="off" spellCheck={false} {...common} />}
      <ul
        id={listId}
        role="listbox"
        aria-label={t('template.suggestions')}
        hidden={!open}
        className="absolute z-20 mt-1 max-h-56 w-full overflow-auto rounded border border-slate-300 bg-white shadow-lg"
      >
        {suggestions.map((variable, i) => (
          <li
            key={variable}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            className="cursor-pointer px-2 py-1 font-mono text-sm text-slate-900 aria-selected:bg-blue-100"
            onMouseDown={(event) => {
              event.preventDefault();
              accept(variable);
            }}
          >
            {variable}
          </li>
        ))}
      </ul>
    </div>
  );
}
