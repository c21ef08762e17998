/**
 * Sources whose secrets come from the vendor (Shopify's, Square's signature key, Acuity's user id
 * and API key) keep them encrypted in `credentials_ciphertext`; after a rotation, the previous
 * signing secret stays valid until `previous_secret_expires_at` for vendors that keep signing with
 * it for a while (Shopify: up to an hour).
 */
import type { Migration } from '../../migrator.js';

export const sourceCredentials: Migration = {
  name: '012_source_credentials',
  sql: [
    `alter table sources add column credentials_ciphertext text`,
    `alter table sources add column previous_secret_ciphertext text`,
    `alter table sources add column previous_secret_expires_at integer`,
  ],
};
