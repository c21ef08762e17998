/**
 * The parts shared by the forms that create something with a role that is shown once (an API key,
 * an invite link): the role choice, the form's layout and the box with the one-time value.
 */
import type { FormEvent, ReactNode } from 'react';
import type { FieldValues, Path } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Button } from '../../ui/button';
import { CopyButton } from '../../ui/copy-button';
import { FormAlert, FormField, type FormFields } from '../../ui/form';
import { Select } from '../../ui/input';
import { ROLE_LABEL, ROLES } from './settings-api';

/** The roles as options of a select, in the user's language. */
export function RoleOptions() {
  const { t } = useTranslation('settings');
  return ROLES.map((r) => (
    <option key={r} value={r}>
      {t(ROLE_LABEL[r])}
    </option>
  ));
}

/** `T` has a `role` field (a select of ROLES). */
interface CreateWithRoleProps<T extends FieldValues> {
  form: FormFields<T>;
  onSubmit: (event: FormEvent) => void;
  /** The field before the role (the key's name, the invitee's email). */
  children: ReactNode;
  submitLabel: string;
  /** The value shown once after creating, with its title and an optional note. */
  created: { title: string; value: string; note?: string } | null;
}

/** One row: a field, the role, the create button; the form's failure under it; the created value once. */
export function CreateWithRole<T extends FieldValues>({ form, onSubmit, children, submitLabel, created }: CreateWithRoleProps<T>) {
  const { t } = useTranslation('settings');
  return (
    <>
      <form onSubmit={onSubmit} className="mb-4 grid max-w-2xl items-start gap-3 sm:grid-cols-[1fr_10rem_auto]" noValidate>
        {children}
        <FormField form={form} name={'role' as Path<T>} label={t('role')}>
          <Select>
            <RoleOptions />
          </Select>
        </FormField>
        <Button type="submit" variant="primary" className="sm:mt-6" disabled={form.formState.isSubmitting}>
          {submitLabel}
        </Button>
      </form>
      <FormAlert form={form} className="mb-4 text-sm text-red-700" />
      {created && (
        <div role="status" className="mb-4 rounded-md bg-amber-50 p-3 text-sm">
          <p className="font-medium text-slate-900">{created.title}</p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code className="break-all text-slate-900">{created.value}</code>
            <CopyButton text={created.value} />
          </div>
          {created.note && <p className="mt-1 text-slate-700">{created.note}</p>}
        </div>
      )}
    </>
  );
}
