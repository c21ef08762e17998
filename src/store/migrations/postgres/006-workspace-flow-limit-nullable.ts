/** `workspaces.flow_limit` becomes nullable: null means no cap (plan `unlimited`). */
import type { Migration } from '../../migrator.js';

export const workspaceFlowLimitNullable: Migration = {
  name: '006_workspace_flow_limit_nullable',
  sql: [
    `alter table workspaces alter column flow_limit drop not null`,
    `alter table workspaces alter column flow_limit drop default`,
    `alter table workspaces alter column plan set default 'unlimited'`,
  ],
};
