/**
 * What a session's run reads of the world, read on first use and kept for the run: its
 * appointment (re-read on demand, before a send), contact, event and the workspace's secrets, and
 * from them the time zone and the templates' context.
 */
import type { AppointmentRow, ContactRow, EventRow, FlowRow, SessionRow, Workspace } from '../store/schema.js';
import type { EngineContext } from './engine-context.js';
import { readSecrets, redactSecrets } from './secrets.js';
import { appointmentZone, buildTemplateContext } from './template-context.js';
import type { TemplateContext } from './templates.js';

export class SessionWorld {
  /** null: not read yet. */
  private contact: ContactRow | undefined | null = null;
  private event: EventRow | undefined | null = null;
  private appointmentRow: AppointmentRow | undefined | null = null;
  /** The workspace's secrets, once the context was built for a flow that uses them. */
  secrets: Record<string, string> | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly of: { workspace: Workspace; flow: FlowRow; usesSecrets: boolean; session: () => SessionRow },
    /** The contact, when the caller has just read it (a trigger that fired). */
    contact?: { value: ContactRow | undefined },
  ) {
    if (contact) this.contact = contact.value;
  }

  async appointment(fresh = false): Promise<AppointmentRow | undefined> {
    const id = this.of.session().appointment_id;
    if (!id) return undefined;
    if (fresh || this.appointmentRow === null) this.appointmentRow = await this.ctx.appointments.get(id);
    return this.appointmentRow;
  }

  /** Read the contact again on next use (a step changed it). */
  forgetContact(): void {
    this.contact = null;
  }

  private async loadContact(): Promise<ContactRow | undefined> {
    if (this.contact === null) {
      const id = this.of.session().contact_id;
      this.contact = id ? await this.ctx.contacts.get(id) : undefined;
    }
    return this.contact;
  }

  async zone(): Promise<string> {
    return appointmentZone({ appointment: await this.appointment(), contact: await this.loadContact(), workspace: this.of.workspace });
  }

  async context(): Promise<TemplateContext> {
    const session = this.of.session();
    if (this.event === null) this.event = session.event_id ? await this.ctx.events.get(session.event_id) : undefined;
    if (this.of.usesSecrets) this.secrets ??= await readSecrets(this.ctx.store.db, this.ctx.secretBox, session.workspace_id);
    return buildTemplateContext({
      workspace: this.of.workspace,
      flow: { id: this.of.flow.id, name: this.of.flow.name, version: session.flow_version },
      session,
      event: this.event,
      contact: await this.loadContact(),
      appointment: await this.appointment(),
    });
  }

  /** Secrets never reach the delivery log, whatever a template or a receiver echoed. */
  redact(text: string): string {
    return this.secrets ? redactSecrets(text, this.secrets) : text;
  }
}
