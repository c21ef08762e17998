/**
 * `workspaces.flow_limit` becomes nullable: null means no cap (plan `unlimited`), so every check is
 * `flow_limit === null || live < flow_limit` with no magic number. SQLite cannot drop NOT NULL in
 * place, so the table is rebuilt; it has no foreign keys or indexes besides its primary key.
 */
import type { Migration } from '../../migrator.js';

export const workspaceFlowLimitNullable: Migration = {
  name: '006_workspace_flow_limit_nullable',
  sql: [
    `create table workspaces_006 (
      id text primary key,
      name text not null,
      plan text not null default 'unlimited',
      flow_limit integer,
      timezone text not null default 'UTC',
      sender_email text,
      created_at integer not null,
      country text
    ) strict`,
    `insert into workspaces_006 (id, name, plan, flow_limit, timezone, sender_email, created_at, country)
      select id, name, plan, flow_limit, timezone, sender_email, created_at, country from workspaces`,
    `drop table workspaces`,
    `alter table workspaces_006 rename to workspaces`,
  ],
};
