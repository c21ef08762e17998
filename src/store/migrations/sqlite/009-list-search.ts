/**
 * Indexes for the contact search of `GET /v1/contacts?q=` (repositories/contact-search.ts), each a
 * range within one workspace:
 * - email and name with NOCASE collation: what SQLite's LIKE optimisation needs for a
 *   case-insensitive `LIKE 'prefix%'` on a column;
 * - the phone number's digits (an expression index; the query repeats the expression exactly).
 */
import type { Migration } from '../../migrator.js';

export const listSearch: Migration = {
  name: '009_list_search',
  sql: [
    `create index contacts_search_email on contacts (workspace_id, email collate nocase)`,
    `create index contacts_search_name on contacts (workspace_id, name collate nocase)`,
    `create index contacts_search_phone on contacts (workspace_id, replace(replace(replace(replace(replace(replace(phone, '+', ''), ' ', ''), '(', ''), ')', ''), '.', ''), '-', ''))`,
  ],
};
