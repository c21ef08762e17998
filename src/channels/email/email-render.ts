/**
 * An email step's settings rendered into the channel's input: the language variant chosen for the
 * contact, the From address (the step's, else the workspace's sender), List-Unsubscribe for
 * marketing email, and the calendar invitation built from the session's appointment.
 */
import type { EmailStep } from '../../core/flow-definition.js';
import type { StepRenderer } from '../channel.js';
import type { EmailInput } from './email-channel.js';
import { appointmentCalendar, chooseContent, unsubscribeHeaders, type InviteVariables } from './email-content.js';

export async function renderEmail(e: EmailStep, r: StepRenderer, nowMs: number): Promise<EmailInput> {
  const text = r.text.bind(r);
  const content = chooseContent(e, (r.variables.contact as { language?: unknown } | undefined)?.language);
  const input: EmailInput = {
    from: (await text(e.from, 'from')) || r.sender,
    to: (await text(e.to, 'to')) ?? '',
    cc: (await text(e.cc, 'cc')) || undefined,
    bcc: (await text(e.bcc, 'bcc')) || undefined,
    replyTo: (await text(e.reply_to, 'reply_to')) || undefined,
    subject: ((await text(content.subject.template, content.subject.field)) ?? '').replace(/[\r\n]+/g, ' '),
    html: content.html === undefined ? undefined : await r.html(content.html.template, content.html.field),
    text: await text(content.text?.template, content.text?.field ?? 'text'),
  };
  if (content.language !== null) input.language = content.language;
  if (e.marketing && e.unsubscribe_url !== undefined) {
    input.headers = unsubscribeHeaders((await text(e.unsubscribe_url, 'unsubscribe_url')) ?? '', r.path('unsubscribe_url'));
  }
  if (e.calendar) {
    const options = e.calendar === true ? {} : e.calendar;
    const texts = {
      summary: await text(options.summary, 'calendar.summary'),
      location: await text(options.location, 'calendar.location'),
      description: await text(options.description, 'calendar.description'),
      filename: options.filename,
    };
    const calendar = appointmentCalendar(r.variables as unknown as InviteVariables, texts, input, nowMs, r.path('calendar'));
    if (calendar) input.calendar = calendar;
  }
  return input;
}
