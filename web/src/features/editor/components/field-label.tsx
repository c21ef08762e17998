/** Labels of schema-drawn fields: the label in the UI language, with the YAML key small beside it. */
import { useTranslation } from 'react-i18next';

/** The field's label in the UI language with its YAML key small beside it; the key alone where the catalog has no label. */
export function FieldLabel({ htmlFor, name, label, required }: { htmlFor: string; name: string; label: string | null; required: boolean }) {
  const { t } = useTranslation('editor');
  return (
    <div className="flex flex-wrap items-baseline gap-x-2">
      <label htmlFor={htmlFor} className={`${label ? '' : 'font-mono '}text-sm font-medium text-slate-800`}>
        {label ?? name}
        {required ? <span aria-hidden="true"> *</span> : null}
        {required ? <span className="sr-only"> {t('form.required')}</span> : null}
      </label>
      {label ? <code className="font-mono text-xs text-slate-500">{name}</code> : null}
    </div>
  );
}

/** A fieldset's legend: the label in the UI language and the YAML key. */
export function FieldLegend({ name, label }: { name: string; label: string | null }) {
  return (
    <legend className="px-1 text-sm font-medium text-slate-800">
      {label ?? <span className="font-mono">{name}</span>}
      {label ? <code className="ml-2 font-mono text-xs font-normal text-slate-500">{name}</code> : null}
    </legend>
  );
}
