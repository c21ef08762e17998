/**
 * Human labels and help for the form fields drawn from JSON Schemas (schema-fields.tsx), from the
 * `fields` catalog. A field is looked up by its scope and YAML key (`step.wait.duration`,
 * `channel.klaviyo.profile.email`); a field that means the same wherever it appears (`to`,
 * `api_key`, `timezone`) is written once under `shared.<key>` and used where no specific entry exists.
 * The keys come from the server's schemas, so they are built here at run time; field-text.test.ts
 * walks every schema the server serves and checks each field has its entry in every language.
 */
import { useTranslation } from 'react-i18next';

/** Where a field's form is drawn: a step kind's settings, a channel's, or one of the editor's own forms. */
export type FieldScope = `step.${string}` | `channel.${string}` | 'flow' | 'trigger.event' | 'trigger.appointment' | 'common' | 'branch';

/** The catalog entries that may describe `key` inside `scope`, most specific first. */
export function fieldEntryKeys(scope: string, key: string): [specific: string, shared: string] {
  return [`${scope}.${key}`, `shared.${key}`];
}

export interface FieldText {
  /** The human label, or null when the catalog has no entry (the YAML key then serves as the label). */
  label: string | null;
  help: string | undefined;
  /** An enum value's label, or the value itself. */
  option(value: string): string;
}

/** Looks up fields' labels in the UI language; `fallbackHelp` (the schema's English description) when the catalog has none. */
export function useFieldText(): (scope: string, key: string, fallbackHelp?: string) => FieldText {
  const { t, i18n } = useTranslation('fields');
  return (scope, key, fallbackHelp) => {
    const entry = fieldEntryKeys(scope, key).find((k) => i18n.exists(`${k}.label`, { ns: 'fields' }));
    const optionKey = (value: string) => `${scope}.${key}.options.${value}`;
    return {
      label: entry ? t(`${entry}.label`) : null,
      help: entry ? t(`${entry}.help`) : fallbackHelp,
      option: (value) => (i18n.exists(optionKey(value), { ns: 'fields' }) ? t(optionKey(value)) : value),
    };
  };
}
