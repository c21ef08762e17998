/**
 * Form fields generated from a JSON Schema object: text and templates, choices, switches, numbers,
 * key/value maps, nested objects, and a YAML box for anything freer (conditions, bodies, variants).
 * Each field is labelled in the UI language (field-text.ts) with its YAML key shown small beside the
 * label, so authors moving between the form and the YAML view recognise the field.
 */
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parse, stringify } from 'yaml';
import type { JsonSchema } from '../api/flow-api';
import { FieldLabel, FieldLegend } from './field-label';
import { useFieldText } from './field-text';
import { TemplateInput } from './template-input';

export interface SchemaFieldsProps {
  schema: JsonSchema;
  /** Where the catalog finds these fields' labels (`step.wait`, `channel.slack`, `flow`); see field-text.ts. */
  scope: string;
  value: Record<string, unknown>;
  /** Sets one property; undefined removes it. */
  onChange(key: string, next: unknown): void;
  /** Messages for a field path relative to this object (`subject`, `headers`). */
  errorsFor(field: string): string[];
  /** Variables offered in this field's templates. */
  variablesFor(field: string): readonly string[];
  /** Properties not to render (shown elsewhere, like `channel`). */
  omit?: readonly string[];
}

/** The schema itself, or its one non-null alternative (`anyOf: [X, null]` from an optional or nullable zod type). */
export function unwrapSchema(schema: JsonSchema): JsonSchema {
  const options = schema.anyOf ?? schema.oneOf;
  if (!options) return schema;
  const nonNull = options.filter((o) => o.type !== 'null');
  return nonNull.length === 1 ? unwrapSchema(nonNull[0]!) : schema;
}

function typeOf(schema: JsonSchema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
}

const MULTILINE = new Set(['html', 'text', 'body', 'message', 'content']);
/** Duration settings: plain text (`2h`), not templates. */
const DURATIONS = new Set(['duration', 'timeout', 'max_lateness', 'before', 'after']);

export function SchemaFields({ schema, scope, value, onChange, errorsFor, variablesFor, omit = [] }: SchemaFieldsProps) {
  const properties = Object.entries(schema.properties ?? {}).filter(([key]) => !omit.includes(key));
  const required = new Set(schema.required ?? []);
  const extra = Object.keys(value).filter((key) => !(key in (schema.properties ?? {})) && !omit.includes(key));
  return (
    <div className="flex flex-col gap-3">
      {properties.map(([key, property]) => (
        <SchemaField
          key={key}
          name={key}
          scope={scope}
          schema={unwrapSchema(property)}
          required={required.has(key)}
          value={value[key]}
          onChange={(next) => onChange(key, next)}
          errors={errorsFor(key)}
          variables={variablesFor(key)}
          errorsFor={(field) => errorsFor(`${key}.${field}`)}
          variablesFor={(field) => variablesFor(`${key}.${field}`)}
        />
      ))}
      {extra.map((key) => (
        <SchemaField
          key={key}
          name={key}
          scope={scope}
          schema={{}}
          required={false}
          value={value[key]}
          onChange={(next) => onChange(key, next)}
          errors={errorsFor(key)}
          variables={[]}
          errorsFor={() => []}
          variablesFor={() => []}
        />
      ))}
    </div>
  );
}

interface SchemaFieldProps {
  name: string;
  scope: string;
  schema: JsonSchema;
  required: boolean;
  value: unknown;
  onChange(next: unknown): void;
  errors: string[];
  variables: readonly string[];
  errorsFor(field: string): string[];
  variablesFor(field: string): readonly string[];
}

function FieldErrors({ id, errors }: { id: string; errors: string[] }) {
  if (errors.length === 0) return null;
  return (
    <ul id={id} className="text-sm text-red-700">
      {errors.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}

function SchemaField({ name, scope, schema, required, value, onChange, errors, variables, errorsFor, variablesFor }: SchemaFieldProps) {
  const { t } = useTranslation('editor');
  const text = useFieldText()(scope, name, schema.description);
  const id = useId();
  const errorId = `${id}-errors`;
  const invalid = errors.length > 0;
  const type = typeOf(schema);
  const label = <FieldLabel htmlFor={id} name={name} label={text.label} required={required} />;
  const description = text.help ? <p className="text-xs text-slate-600">{text.help}</p> : null;

  if (schema.enum) {
    return (
      <div className="flex flex-col gap-1">
        {label}
        <select
          id={id}
          value={value === undefined ? '' : String(value)}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? errorId : undefined}
          onChange={(e) => onChange(e.target.value === '' ? undefined : schema.enum!.find((v) => String(v) === e.target.value))}
          className="rounded border border-slate-300 bg-white px-2 py-1 text-sm focus:outline-2 focus:outline-blue-600"
        >
          {required ? null : <option value="">{t('form.default')}</option>}
          {schema.enum.map((option) => (
            <option key={String(option)} value={String(option)}>
              {text.option(String(option))}
            </option>
          ))}
        </select>
        {description}
        <FieldErrors id={errorId} errors={errors} />
      </div>
    );
  }

  if (type === 'boolean') {
    return (
      <div className="flex flex-col gap-1">
        <div className="flex items-center gap-2">
          <input
            id={id}
            type="checkbox"
            checked={value === true}
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? errorId : undefined}
            onChange={(e) => onChange(e.target.checked ? true : undefined)}
            className="size-4 focus:outline-2 focus:outline-blue-600"
          />
          {label}
        </div>
        {description}
        <FieldErrors id={errorId} errors={errors} />
      </div>
    );
  }

  if (type === 'number' || type === 'integer') {
    return (
      <div className="flex flex-col gap-1">
        {label}
        <input
          id={id}
          type="number"
          value={typeof value === 'number' ? value : ''}
          min={schema.minimum}
          max={schema.maximum}
          step={type === 'integer' ? 1 : 'any'}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? errorId : undefined}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
          className="w-32 rounded border border-slate-300 px-2 py-1 text-sm focus:outline-2 focus:outline-blue-600"
        />
        {description}
        <FieldErrors id={errorId} errors={errors} />
      </div>
    );
  }

  if (type === 'string' && (value === undefined || typeof value === 'string')) {
    const duration = schema.format === 'duration' || DURATIONS.has(name);
    const plain = duration || schema.format === 'plain';
    return (
      <div className="flex flex-col gap-1">
        {label}
        {plain ? (
          <input
            id={id}
            type="text"
            value={(value as string | undefined) ?? ''}
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? errorId : undefined}
            placeholder={duration ? t('form.durationPlaceholder') : undefined}
            onChange={(e) => onChange(e.target.value === '' && !required ? undefined : e.target.value)}
            className={`${duration ? 'w-40' : 'w-full'} rounded border border-slate-300 px-2 py-1 font-mono text-sm focus:outline-2 focus:outline-blue-600 aria-invalid:border-red-600`}
          />
        ) : (
          <TemplateInput
            id={id}
            value={(value as string | undefined) ?? ''}
            onChange={(next) => onChange(next === '' && !required ? undefined : next)}
            variables={variables}
            multiline={schema.format === 'multiline' || MULTILINE.has(name)}
            invalid={invalid}
            {...(invalid ? { describedBy: errorId } : {})}
          />
        )}
        {description}
        <FieldErrors id={errorId} errors={errors} />
      </div>
    );
  }

  if (type === 'object' && schema.properties && (value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value)))) {
    return (
      <fieldset className="flex flex-col gap-2 rounded border border-slate-200 p-2">
        <FieldLegend name={name} label={text.label} />
        {description}
        <SchemaFields
          schema={schema}
          scope={`${scope}.${name}`}
          value={(value as Record<string, unknown> | undefined) ?? {}}
          onChange={(key, next) => {
            const object = { ...((value as Record<string, unknown> | undefined) ?? {}) };
            if (next === undefined) delete object[key];
            else object[key] = next;
            onChange(Object.keys(object).length === 0 ? undefined : object);
          }}
          errorsFor={errorsFor}
          variablesFor={variablesFor}
        />
        <FieldErrors id={errorId} errors={errors.filter((e) => !e.includes(': '))} />
      </fieldset>
    );
  }

  if (type === 'object' && typeof schema.additionalProperties === 'object' && typeOf(schema.additionalProperties) === 'string') {
    return (
      <KeyValueField
        id={id}
        name={name}
        label={text.label}
        value={(value as Record<string, string> | undefined) ?? {}}
        onChange={onChange}
        errors={errors}
        variablesFor={variablesFor}
      />
    );
  }

  return <YamlField id={id} label={label} value={value} onChange={onChange} errors={errors} description={description} />;
}

function KeyValueField({
  id,
  name,
  label,
  value,
  onChange,
  errors,
  variablesFor,
}: {
  id: string;
  name: string;
  label: string | null;
  value: Record<string, string>;
  onChange(next: unknown): void;
  errors: string[];
  variablesFor(field: string): readonly string[];
}) {
  const { t } = useTranslation('editor');
  const entries = Object.entries(value);
  const write = (next: Array<[string, string]>) => onChange(next.length === 0 ? undefined : Object.fromEntries(next));
  return (
    <fieldset className="flex flex-col gap-2 rounded border border-slate-200 p-2" aria-describedby={errors.length ? `${id}-errors` : undefined}>
      <FieldLegend name={name} label={label} />
      {entries.map(([key, item], i) => (
        <div key={i} className="flex items-start gap-2">
          <input
            type="text"
            aria-label={t('form.key', { name: label ?? name })}
            value={key}
            onChange={(e) => write(entries.map((entry, j) => (j === i ? [e.target.value, entry[1]] : entry)))}
            className="w-1/3 rounded border border-slate-300 px-2 py-1 font-mono text-sm focus:outline-2 focus:outline-blue-600"
          />
          <div className="flex-1">
            <TemplateInput
              label={t('form.value', { name: key })}
              value={item}
              onChange={(next) => write(entries.map((entry, j) => (j === i ? [entry[0], next] : entry)))}
              variables={variablesFor(key)}
            />
          </div>
          <button
            type="button"
            onClick={() => write(entries.filter((_, j) => j !== i))}
            className="rounded px-2 py-1 text-sm text-red-700 hover:bg-red-50 focus:outline-2 focus:outline-blue-600"
          >
            {t('form.removeEntry')}
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() => write([...entries, [uniqueKey(value), '']])}
        className="self-start rounded px-2 py-1 text-sm text-blue-700 hover:bg-blue-50 focus:outline-2 focus:outline-blue-600"
      >
        {t('form.addEntry')}
      </button>
      <FieldErrors id={`${id}-errors`} errors={errors} />
    </fieldset>
  );
}

function uniqueKey(value: Record<string, unknown>): string {
  for (let n = 1; ; n++) if (!(`key${n}` in value)) return `key${n}`;
}

/** Free-form values (conditions, JSON bodies) edited as YAML; text that does not parse stays local with its error. */
function YamlField({
  id,
  label,
  value,
  onChange,
  errors,
  description,
}: {
  id: string;
  label: React.ReactNode;
  value: unknown;
  onChange(next: unknown): void;
  errors: string[];
  description: React.ReactNode;
}) {
  const { t } = useTranslation('editor');
  const render = (v: unknown) => (v === undefined ? '' : stringify(v, { lineWidth: 0 }).trimEnd());
  const [text, setText] = useState(() => render(value));
  const [problem, setProblem] = useState<string | null>(null);
  // Follow changes from elsewhere (undo, the YAML view) unless the text here already means the same.
  useEffect(() => {
    setText((current) => {
      try {
        if (JSON.stringify(current.trim() === '' ? undefined : parse(current)) === JSON.stringify(value)) return current;
      } catch {
        // The local text does not parse: replace it with the document's value.
      }
      setProblem(null);
      return render(value);
    });
  }, [value]);
  const all = problem ? [t('form.yamlInvalid', { message: problem }), ...errors] : errors;
  return (
    <div className="flex flex-col gap-1">
      {label}
      <textarea
        id={id}
        rows={Math.min(12, Math.max(3, text.split('\n').length + 1))}
        value={text}
        spellCheck={false}
        aria-invalid={all.length > 0 || undefined}
        aria-describedby={all.length > 0 ? `${id}-errors` : undefined}
        onChange={(e) => {
          setText(e.target.value);
          try {
            const parsed: unknown = e.target.value.trim() === '' ? undefined : parse(e.target.value);
            setProblem(null);
            onChange(parsed);
          } catch (error) {
            setProblem(error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));
          }
        }}
        className="rounded border border-slate-300 px-2 py-1 font-mono text-sm focus:outline-2 focus:outline-blue-600 aria-invalid:border-red-600"
      />
      <p className="text-xs text-slate-600">{t('form.yamlHint')}</p>
      {description}
      <FieldErrors id={`${id}-errors`} errors={all} />
    </div>
  );
}
