/**
 * Indexes for the contact search of `GET /v1/contacts?q=` (repositories/contact-search.ts), each a
 * range within one workspace: `lower(email)`, `lower(name)` and the phone number's digits with
 * `text_pattern_ops`, which lets `LIKE 'prefix%'` use the index whatever the database's collation.
 * The query repeats each expression exactly.
 */
import type { Migration } from '../../migrator.js';

export const listSearch: Migration = {
  name: '009_list_search',
  sql: [
    `create index contacts_search_email on contacts (workspace_id, lower(email) text_pattern_ops)`,
    `create index contacts_search_name on contacts (workspace_id, lower(name) text_pattern_ops)`,
    `create index contacts_search_phone on contacts (workspace_id, replace(replace(replace(replace(replace(replace(phone, '+', ''), ' ', ''), '(', ''), ')', ''), '.', ''), '-', '') text_pattern_ops)`,
  ],
};
