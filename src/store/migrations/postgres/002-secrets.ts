/** Per-workspace secrets (API keys of integrations), encrypted by the application before storage. */
import type { Migration } from '../../migrator.js';

export const secrets: Migration = {
  name: '002_secrets',
  sql: [
    `create table secrets (
      workspace_id text not null,
      name text not null,
      ciphertext text not null,
      created_at bigint not null,
      updated_at bigint not null,
      primary key (workspace_id, name)
    )`,
  ],
};
