/**
 * What each step kind looks like in the editor: its icon, its name, a one-line summary for its
 * node, the step a new one starts as, and its side-panel form. A Record over StepKind, so adding a
 * kind to the flow schema does not compile until the editor knows how to show it.
 */
import type { ComponentType } from 'react';
import type { LucideIcon } from 'lucide-react';
import { Clock, DoorOpen, GitBranch, Mail, Send, UserPen, Webhook } from 'lucide-react';
import { STEP_KINDS, type StepDefinition, type StepKind } from '../../../../../src/core/flow-definition';
import { BranchStepForm, SchemaStepForm, SendStepForm, type StepFormProps } from './step-forms';

export interface StepKindView {
  icon: LucideIcon;
  /** A key of the `editor` catalog. */
  label: 'kinds.wait' | 'kinds.branch' | 'kinds.webhook' | 'kinds.email' | 'kinds.send' | 'kinds.update_contact' | 'kinds.exit';
  /** A short line from the step's own content (a subject, a duration); empty when there is nothing to say. */
  summary(body: Record<string, unknown>): string;
  /** The kind body a new step of this kind starts with; `channel` is the first channel offered. */
  create(context: { channel: string }): Record<string, unknown> | null;
  Form: ComponentType<StepFormProps>;
}

const str = (value: unknown) => (typeof value === 'string' ? value : '');

export const STEP_KINDS_TABLE: Record<StepKind, StepKindView> = {
  wait: {
    icon: Clock,
    label: 'kinds.wait',
    summary: (b) => str(b.duration) || (typeof b.until === 'string' ? b.until : b.until ? JSON.stringify(b.until) : ''),
    create: () => ({ duration: '1h' }),
    Form: SchemaStepForm,
  },
  branch: {
    icon: GitBranch,
    label: 'kinds.branch',
    summary: (b) => (Array.isArray(b.branches) ? b.branches.map((x: { name?: string }, i) => x?.name || `#${i + 1}`).join(' · ') : ''),
    create: () => ({ branches: [{ name: 'French', when: [{ field: 'contact.language', op: 'equals', value: 'fr' }], steps: [] }], otherwise: [] }),
    Form: BranchStepForm,
  },
  webhook: {
    icon: Webhook,
    label: 'kinds.webhook',
    summary: (b) => `${str(b.method) || 'POST'} ${str(b.url)}`.trim(),
    create: () => ({ url: 'https://example.com/webhook', body: { contact: '{{ contact.email }}' } }),
    Form: SchemaStepForm,
  },
  email: {
    icon: Mail,
    label: 'kinds.email',
    summary: (b) => str(b.subject),
    create: () => ({ to: '{{ contact.email }}', subject: '{{ event.service_name }}', html: '<p>Hi {{ contact.first_name }}</p>' }),
    Form: SchemaStepForm,
  },
  send: {
    icon: Send,
    label: 'kinds.send',
    summary: (b) => str(b.channel),
    create: ({ channel }) => ({ channel }),
    Form: SendStepForm,
  },
  update_contact: {
    icon: UserPen,
    label: 'kinds.update_contact',
    summary: (b) => Object.keys(b).join(', '),
    create: () => ({ attributes: { last_visit: '{{ appointment.start_at }}' } }),
    Form: SchemaStepForm,
  },
  exit: {
    icon: DoorOpen,
    label: 'kinds.exit',
    summary: (b) => str(b?.reason),
    create: () => ({}),
    Form: SchemaStepForm,
  },
};

export { STEP_KINDS };

/** The kind body of a step (`step.email`); `{}` for `exit: null`. */
export function bodyOf(step: StepDefinition, kind: StepKind): Record<string, unknown> {
  const body = (step as unknown as Record<string, unknown>)[kind];
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}
