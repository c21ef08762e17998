/**
 * Failed sign-ins, kept in the database so that every `serve` process counts the same failures
 * (engine/accounts/sign-in-limiter.ts). `key` is a SHA-256 of the email or the client address,
 * never the value itself; rows older than the window are deleted as new failures come in.
 */
import type { Migration } from '../../migrator.js';

export const signInFailures: Migration = {
  name: '015_sign_in_failures',
  sql: [
    `create table sign_in_failures (
      key text not null,
      at bigint not null
    )`,
    `create index sign_in_failures_key_at on sign_in_failures (key, at)`,
    `create index sign_in_failures_at on sign_in_failures (at)`,
  ],
};
