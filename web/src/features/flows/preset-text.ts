/**
 * Presets' names, descriptions and placeholders in the UI language, from the `presets` catalog keyed
 * by preset id and placeholder name. The server lists presets in English; a preset this build does
 * not know (a newer server) keeps the server's text. preset-text.test.ts checks every preset the
 * server ships has its entries in every language.
 */
import { useTranslation } from 'react-i18next';
import type { Preset } from './flows-api';

export function usePresetText() {
  const { t, i18n } = useTranslation('presets');
  const known = (key: string) => i18n.exists(key, { ns: 'presets' });
  return {
    name: (p: Pick<Preset, 'id' | 'name'>) => (known(`presets.${p.id}.name`) ? t(`presets.${p.id}.name`) : p.name),
    description: (p: Pick<Preset, 'id' | 'description'>) => (known(`presets.${p.id}.description`) ? t(`presets.${p.id}.description`) : p.description),
    /** A placeholder's label (its name when unknown) and help. */
    placeholder: (p: Preset['placeholders'][number]) =>
      known(`placeholders.${p.name}.label`)
        ? { label: t(`placeholders.${p.name}.label`), help: t(`placeholders.${p.name}.help`) }
        : { label: p.name, help: p.description },
  };
}
