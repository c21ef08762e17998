/** `nudge workspace show|set`: the API key's workspace settings, through the API (PATCH /v1/workspace). */
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { NudgeError } from '../core/errors.js';
import { describeLimit } from '../core/workspace-plan.js';
import type { WorkspaceView } from '../core/workspace-view.js';
import { callApi } from './api-client.js';
import { client, clientOptions, print, type ClientFlags } from './client-options.js';


interface SetFlags extends ClientFlags {
  name?: string;
  timezone?: string;
  sender?: string;
  country?: string;
  plan?: string;
  flowLimit?: string;
  retentionEventsDays?: string;
  retentionDeliveriesDays?: string;
  retentionOutboxDays?: string;
}

/** `none` clears an optional setting (sender, country) or removes the flow cap. */
const NONE = 'none';

/** `--flow-limit` text → a number, null (`none`) or undefined (absent); bad numbers are left to the plan rule to refuse. */
export function parseFlowLimit(text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  if (text === NONE) return null;
  const n = Number(text);
  if (text.trim() === '' || Number.isNaN(n)) {
    throw new NudgeError('invalid_plan', `--flow-limit ${text}: expected a positive integer or ${NONE}`, { status: 400 });
  }
  return n;
}

/** `--retention-*-days` text → whole days, null (`none`: keep forever) or undefined (absent); the API checks the range. */
export function parseRetentionDays(flag: string, text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  if (text === NONE) return null;
  if (!/^\d+$/.test(text.trim())) {
    throw new NudgeError('invalid_workspace', `--${flag} ${text}: expected a whole number of days or ${NONE}`, { status: 400 });
  }
  return Number(text);
}

const retentionText = (days: number | null) => (days === null ? 'forever' : `${days} days`);

export function registerWorkspaceCommands(program: Command): void {
  const workspace = program.command('workspace').description('settings of the API key’s workspace (talks to the API)');
  clientOptions(workspace.command('show').description('show the workspace’s settings')).action(async (o: ClientFlags) => {
    const res = (await callApi(client(loadConfig(), o), 'GET', '/v1/workspace')) as { data: WorkspaceView };
    printWorkspace(res.data);
  });
  clientOptions(
    workspace
      .command('set')
      .option('--name <name>', 'workspace name')
      .option('--timezone <zone>', 'default IANA timezone, e.g. Europe/Paris')
      .option('--sender <email>', `default sender of emails, e.g. "Salon <hi@example.com>" (${NONE} to clear)`)
      .option('--country <code>', `default country of phone numbers in national form, e.g. GB (${NONE} to clear)`)
      .option('--plan <plan>', 'small (1 live flow), pro (6), advanced (9), custom, unlimited')
      .option('--flow-limit <n>', `most live flows (plan becomes custom), or ${NONE} for no cap`)
      .option('--retention-events-days <n>', `delete events older than n days (${NONE}: keep forever)`)
      .option('--retention-deliveries-days <n>', `delete delivery attempts older than n days (${NONE}: keep forever)`)
      .option('--retention-outbox-days <n>', `delete outbox emails older than n days (${NONE}: keep forever)`)
      .description('change settings; the ones not given stay as they are'),
  ).action(async (o: SetFlags) => {
    const changes = {
      ...(o.name !== undefined ? { name: o.name } : {}),
      ...(o.timezone !== undefined ? { timezone: o.timezone } : {}),
      ...(o.sender !== undefined ? { sender_email: o.sender === NONE ? null : o.sender } : {}),
      ...(o.country !== undefined ? { country: o.country === NONE ? null : o.country } : {}),
      ...(o.plan !== undefined ? { plan: o.plan } : {}),
      ...(o.flowLimit !== undefined ? { flow_limit: parseFlowLimit(o.flowLimit) } : {}),
      ...(o.retentionEventsDays !== undefined ? { retention_events_days: parseRetentionDays('retention-events-days', o.retentionEventsDays) } : {}),
      ...(o.retentionDeliveriesDays !== undefined ? { retention_deliveries_days: parseRetentionDays('retention-deliveries-days', o.retentionDeliveriesDays) } : {}),
      ...(o.retentionOutboxDays !== undefined ? { retention_outbox_days: parseRetentionDays('retention-outbox-days', o.retentionOutboxDays) } : {}),
    };
    if (Object.keys(changes).length === 0) {
      throw new NudgeError('nothing_to_change', 'give at least one setting, e.g. --timezone Europe/Paris (see --help)', { status: 400 });
    }
    const res = (await callApi(client(loadConfig(), o), 'PATCH', '/v1/workspace', { json: changes })) as { data: WorkspaceView };
    printWorkspace(res.data);
  });
}

function printWorkspace(w: WorkspaceView): void {
  print(`id        ${w.id}`);
  print(`name      ${w.name}`);
  print(`plan      ${w.plan} (${describeLimit(w.flow_limit)})`);
  print(`timezone  ${w.timezone}`);
  print(`sender    ${w.sender_email ?? '(default)'}`);
  print(`country   ${w.country ?? '(none)'}`);
  print(`retention events ${retentionText(w.retention_events_days)}, deliveries ${retentionText(w.retention_deliveries_days)}, outbox ${retentionText(w.retention_outbox_days)}`);
}
