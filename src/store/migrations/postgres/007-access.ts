/**
 * People and access: users who sign in to the web app, their browser sessions, invites (the setup
 * link printed on first start is one), the audit log, a role on every API key (existing keys keep
 * full access: owner), and the workspace's "two-factor required" switch.
 */
import type { Migration } from '../../migrator.js';

export const access: Migration = {
  name: '007_access',
  sql: [
    `alter table api_keys add column role text not null default 'owner'`,
    `alter table workspaces add column require_two_factor integer not null default 0`,
    `create table users (
      id text primary key,
      workspace_id text not null,
      email text not null,
      name text not null,
      role text not null,
      password_hash text not null,
      totp_secret text,
      totp_pending_secret text,
      totp_last_counter bigint,
      created_at bigint not null,
      last_sign_in_at bigint
    )`,
    `create unique index users_email on users (email)`,
    `create index users_workspace_id on users (workspace_id)`,
    `create table user_sessions (
      id text primary key,
      user_id text not null,
      workspace_id text not null,
      created_at bigint not null,
      last_seen_at bigint not null,
      expires_at bigint not null
    )`,
    `create index user_sessions_user_id on user_sessions (user_id)`,
    `create table invites (
      id text primary key,
      workspace_id text not null,
      token_hash text not null,
      kind text not null,
      role text not null,
      email text,
      created_by text,
      created_at bigint not null,
      expires_at bigint not null,
      accepted_at bigint
    )`,
    `create unique index invites_token_hash on invites (token_hash)`,
    `create index invites_workspace_id on invites (workspace_id)`,
    `create table audit_log (
      id text primary key,
      workspace_id text not null,
      at bigint not null,
      actor_kind text not null,
      actor_id text,
      actor_label text not null,
      action text not null,
      target_kind text,
      target_id text,
      details_json text
    )`,
    `create index audit_log_workspace on audit_log (workspace_id, id)`,
  ],
};
