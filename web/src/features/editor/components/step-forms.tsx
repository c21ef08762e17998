/** The side-panel form of each step kind; which kind uses which form is fixed by STEP_KINDS_TABLE. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useChannelName } from '../../../ui/channel-name';
import type { StepDefinition, StepKind } from '../../../../../src/core/flow-definition';
import type { Branch } from '../store/flow-operations';
import { useEditorEnvironment } from './editor-context';
import { BRANCH_SCHEMA } from './editor-form-schemas';
import { FieldLabel } from './field-label';
import { useFieldText } from './field-text';
import { SchemaFields } from './schema-fields';
import { CREDENTIAL_FIELDS, stepSchema, templateVariables } from './step-schemas';

/** The built-in channels' descriptions in the UI language; a channel this build does not know keeps the server's text. */
export const CHANNEL_DESCRIPTIONS = {
  email: 'channelDescriptions.email',
  klaviyo: 'channelDescriptions.klaviyo',
  omnisend: 'channelDescriptions.omnisend',
  slack: 'channelDescriptions.slack',
  sms: 'channelDescriptions.sms',
  telegram: 'channelDescriptions.telegram',
  webhook: 'channelDescriptions.webhook',
  whatsapp: 'channelDescriptions.whatsapp',
} as const;

function isKnownChannel(id: string): id is keyof typeof CHANNEL_DESCRIPTIONS {
  return Object.hasOwn(CHANNEL_DESCRIPTIONS, id);
}

export interface StepFormProps {
  kind: StepKind;
  /** The step's kind body (`step.email`, `step.wait`, …). */
  body: Record<string, unknown>;
  /** Replaces the kind body; `field` names the edited field so a typing burst is one undo entry. */
  onBodyChange(body: Record<string, unknown>, field: string): void;
  /** Messages for a field relative to the kind body (`subject`, `headers.X-Key`). */
  errorsFor(field: string): string[];
}

function useVariables(isCredential: (field: string) => boolean) {
  const { schemas, secrets } = useEditorEnvironment();
  const plain = useMemo(() => templateVariables(schemas, null), [schemas]);
  const withSecrets = useMemo(() => templateVariables(schemas, secrets), [schemas, secrets]);
  return (field: string) => (isCredential(field) ? withSecrets : plain);
}

function setKey(body: Record<string, unknown>, key: string, next: unknown): Record<string, unknown> {
  const copy = { ...body };
  if (next === undefined) delete copy[key];
  else copy[key] = next;
  return copy;
}

/** Fields straight from the kind's schema: wait, webhook, email, update_contact, exit. */
export function SchemaStepForm({ kind, body, onBodyChange, errorsFor }: StepFormProps) {
  const { schemas } = useEditorEnvironment();
  const credential = CREDENTIAL_FIELDS[kind];
  const variablesFor = useVariables((field) => credential?.test(field) ?? false);
  return (
    <SchemaFields
      schema={stepSchema(kind, schemas)}
      scope={`step.${kind}`}
      value={body}
      onChange={(key, next) => onBodyChange(setKey(body, key, next), key)}
      errorsFor={errorsFor}
      variablesFor={variablesFor}
    />
  );
}

/** A channel step: the channel, then that channel's own settings from its manifest's schema. */
export function SendStepForm({ body, onBodyChange, errorsFor }: StepFormProps) {
  const { t } = useTranslation('editor');
  const channelName = useChannelName();
  const { channels } = useEditorEnvironment();
  const channelId = typeof body.channel === 'string' ? body.channel : '';
  const channel = channels.find((c) => c.id === channelId);
  const credentials = new Set(channel?.credentialFields ?? []);
  const variablesFor = useVariables((field) => credentials.has(field.split('.')[0] ?? field));
  const channelErrors = errorsFor('channel');
  const fieldText = useFieldText();
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-col gap-1">
        <FieldLabel htmlFor="send-channel" name="channel" label={fieldText('step.send', 'channel').label} required />
        <select
          id="send-channel"
          value={channelId}
          aria-invalid={channelErrors.length > 0 || undefined}
          onChange={(e) => onBodyChange({ channel: e.target.value }, 'channel')}
          className="rounded border border-slate-300 bg-white px-2 py-1 text-sm focus:outline-2 focus:outline-blue-600"
        >
          {channel ? null : <option value={channelId}>{channelId || t('form.chooseChannel')}</option>}
          {channels.map((c) => (
            <option key={c.id} value={c.id}>
              {channelName(c.id)}
            </option>
          ))}
        </select>
        {channel ? <p className="text-xs text-slate-600">{isKnownChannel(channel.id) ? t(CHANNEL_DESCRIPTIONS[channel.id]) : channel.description}</p> : null}
        {channelErrors.map((message) => (
          <p key={message} className="text-sm text-red-700">
            {message}
          </p>
        ))}
      </div>
      {channel ? (
        <SchemaFields
          schema={channel.settings}
          scope={`channel.${channel.id}`}
          value={body}
          omit={['channel']}
          onChange={(key, next) => onBodyChange(setKey(body, key, next), key)}
          errorsFor={errorsFor}
          variablesFor={variablesFor}
        />
      ) : null}
    </div>
  );
}

/** A branch step: each branch's name and conditions, in order; their steps are edited on the canvas. */
export function BranchStepForm({ body, onBodyChange, errorsFor }: StepFormProps) {
  const { t } = useTranslation('editor');
  const variablesFor = useVariables(() => false);
  const branches = Array.isArray(body.branches) ? (body.branches as Branch[]) : [];
  const writeBranch = (index: number, branch: Branch, field: string) =>
    onBodyChange({ ...body, branches: branches.map((b, i) => (i === index ? branch : b)) }, `branches[${index}].${field}`);
  return (
    <div className="flex flex-col gap-3">
      {branches.map((branch, i) => (
        <section key={i} aria-label={t('branch.title', { number: i + 1 })} className="rounded border border-slate-200 p-2">
          <h3 className="mb-2 text-sm font-semibold text-slate-800">{t('branch.title', { number: i + 1 })}</h3>
          <SchemaFields
            schema={BRANCH_SCHEMA}
            scope="branch"
            value={branch as unknown as Record<string, unknown>}
            omit={['steps']}
            onChange={(key, next) => writeBranch(i, setKey(branch as unknown as Record<string, unknown>, key, next) as unknown as Branch, key)}
            errorsFor={(field) => errorsFor(`branches[${i}].${field}`)}
            variablesFor={variablesFor}
          />
          <p className="mt-1 text-xs text-slate-600">{t('branch.conditionsHint')}</p>
        </section>
      ))}
      <p className="text-xs text-slate-600">{t('branch.stepsHint')}</p>
    </div>
  );
}

export type StepBody = StepDefinition;
