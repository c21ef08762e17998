/**
 * A workspace's default country (ISO 3166-1 alpha-2, e.g. `GB`): phone numbers written in national
 * form (`020 7946 0958`) are read as numbers of this country before they reach a channel.
 */
import type { Migration } from '../../migrator.js';

export const workspaceCountry: Migration = {
  name: '004_workspace_country',
  sql: [`alter table workspaces add column country text`],
};
