/**
 * Forms on react-hook-form, validated with the zod schema the server validates the same body with
 * (imported from src/core, never copied). Field messages come from the `forms` catalog by issue
 * code; a server answer that names a field (`path`, `details[].path`) lands on that field, any other
 * failure in the form's alert. Errors are worded when shown (form-error-text.ts), so they follow a
 * change of language.
 */
import { toNestErrors } from '@hookform/resolvers';
import { cloneElement, type FormEvent, type ReactElement, type ReactNode } from 'react';
import { useForm, type DefaultValues, type FieldError, type FieldValues, type Path, type RegisterOptions, type Resolver, type UseFormReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { TFunction } from 'i18next';
import { ApiError } from '../api/client';
import { Field } from './field';
import { describeFailure, describeIssue, describeKey, formErrorText } from './form-error-text';

type Schema = z.ZodType<FieldValues, FieldValues>;
export type ZodForm<S extends Schema> = UseFormReturn<z.input<S>, unknown, z.output<S>>;

/** A form whose values are `schema`'s input, starting from `defaultValues`. */
export function useZodForm<S extends Schema>(schema: S, defaultValues: DefaultValues<z.input<S>>): ZodForm<S> {
  return useForm<z.input<S>, unknown, z.output<S>>({ resolver: zodResolver(schema), defaultValues });
}

function zodResolver<S extends Schema>(schema: S): Resolver<z.input<S>, unknown, z.output<S>> {
  return async (values, _context, options) => {
    const result = await schema.safeParseAsync(values);
    if (result.success) return { values: result.data, errors: {} };
    const errors: Record<string, FieldError> = {};
    for (const issue of result.error.issues) errors[issue.path.join('.')] ??= { type: issue.code, message: describeIssue(issue) };
    return { values: {}, errors: toNestErrors(errors, options) };
  };
}

/**
 * The submit handler: validates, runs `action` with the parsed values and, when it throws, puts the
 * server's field errors on their fields and anything else in the form's alert.
 */
export function useSubmit<S extends Schema>(form: ZodForm<S>, action: (values: z.output<S>) => Promise<unknown>): (event?: FormEvent) => Promise<void> {
  return form.handleSubmit(async (values) => {
    try {
      await action(values);
    } catch (error) {
      showFailure(form, error);
    }
  });
}

/** Puts a failure on the fields it names (those the form holds values for), else on the form. */
export function showFailure<S extends Schema>(form: ZodForm<S>, error: unknown): void {
  const fields = new Set(Object.keys(form.getValues()));
  const issues = error instanceof ApiError ? [...(error.path ? [{ path: error.path, message: error.message }] : []), ...error.details] : [];
  const onFields = issues.filter((issue) => fields.has(issue.path));
  onFields.forEach((issue, i) => {
    // Worded from the issue's code (errors catalog) when shown, as everywhere else.
    form.setError(issue.path as Path<z.input<S>>, { type: 'server', message: describeFailure(error as ApiError, issue.path) }, { shouldFocus: i === 0 });
  });
  if (onFields.length > 0) return;
  form.setError('root.server', { type: 'server', message: error instanceof ApiError ? describeFailure(error) : describeKey('failed') });
}

/** What a field needs of its form (any form over values `T`, whatever its parsed output). */
export type FormFields<T extends FieldValues> = Pick<UseFormReturn<T>, 'register' | 'getFieldState' | 'formState'>;

/**
 * A `setValueAs` for optional text: blank becomes `empty` (null or undefined), anything else is
 * trimmed. react-hook-form also passes the default value through it, which may be null.
 */
export function blankAs<E extends null | undefined>(empty: E): (value: string | null | undefined) => string | E {
  return (value) => {
    const text = (value ?? '').trim();
    return text === '' ? empty : text;
  };
}

interface FormFieldProps<T extends FieldValues> {
  form: FormFields<T>;
  name: Path<T>;
  label: string;
  hint?: string | undefined;
  /** react-hook-form's options for this input, e.g. `setValueAs` to turn '' into null. */
  options?: RegisterOptions<T, Path<T>>;
  /** One input-like element: it receives the field's value bindings, id and aria attributes. */
  children: ReactElement<Record<string, unknown>>;
}

/** A label, its input bound to the form, a hint and the field's error tied to the input for screen readers. */
export function FormField<T extends FieldValues>({ form, name, label, hint, options, children }: FormFieldProps<T>) {
  const { t } = useTranslation(['forms', 'errors']);
  const error = formErrorText(form.getFieldState(name, form.formState).error?.message, t as TFunction<'forms'>);
  return (
    <Field label={label} hint={hint} error={error}>
      {cloneElement(children, { ...form.register(name, options) })}
    </Field>
  );
}

/** The form's own failure (not tied to a field), announced to screen readers. */
export function FormAlert<T extends FieldValues>({ form, className }: { form: Pick<UseFormReturn<T>, 'formState'>; className?: string }): ReactNode {
  const { t } = useTranslation(['forms', 'errors']);
  const message = formErrorText(form.formState.errors.root?.server?.message, t as TFunction<'forms'>);
  if (!message) return null;
  return (
    <p role="alert" className={className ?? 'text-sm text-red-700'}>
      {message}
    </p>
  );
}
