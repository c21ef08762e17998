/**
 * New credentials for a source whose vendor holds the secret (Shopify, Acuity, Square): a form in
 * a dialog, one password field per credential, so rotating is typed, checked and cancelable like
 * every other form (not the browser's `prompt()`).
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../ui/button';
import { Dialog } from '../../ui/dialog';
import { Field } from '../../ui/field';
import { Input } from '../../ui/input';
import { CREDENTIAL_FIELDS, type Source } from './sources-api';

interface RotateCredentialsDialogProps {
  /** The source to rotate; null when the dialog is closed. */
  source: Source | null;
  onClose: () => void;
  onSubmit: (source: Source, credentials: Record<string, string>) => void;
  pending: boolean;
}

export function RotateCredentialsDialog({ source, onClose, onSubmit, pending }: RotateCredentialsDialogProps) {
  const { t } = useTranslation('settings');
  const [values, setValues] = useState<Record<string, string>>({});
  const fields = source ? (CREDENTIAL_FIELDS[source.kind] ?? []) : [];
  const missing = fields.filter((f) => (values[f.name] ?? '').trim() === '');
  const [tried, setTried] = useState(false);
  const close = () => {
    setValues({});
    setTried(false);
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!source || missing.length > 0) return;
    onSubmit(source, Object.fromEntries(fields.map((f) => [f.name, values[f.name]!.trim()])));
    setValues({});
    setTried(false);
  };
  return (
    <Dialog open={source !== null} onOpenChange={(open) => !open && close()} title={source ? `${t('source_rotate')}: ${source.name}` : ''}>
      <form onSubmit={submit} className="space-y-4" noValidate>
        {fields.map((f, i) => (
          <Field key={f.name} label={t('source_new_credential', { field: t(f.label) })} error={tried && missing.includes(f) ? t('source_credential_required') : undefined}>
            <Input
              type="password"
              autoComplete="off"
              autoFocus={i === 0}
              value={values[f.name] ?? ''}
              onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
            />
          </Field>
        ))}
        <div className="flex justify-end gap-2">
          <Button onClick={close}>{t('common:cancel')}</Button>
          <Button type="submit" variant="primary" disabled={pending}>
            {t('source_rotate')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
