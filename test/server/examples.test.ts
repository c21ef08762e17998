/**
 * Every flow in examples/flows applies as README says (`./nudge flows apply examples/flows/*.yaml`):
 * the CLI's request (POST /v1/flows/apply with the YAML, activate=true) succeeds and activates each
 * flow once the secrets it names are set, on SQLite and PostgreSQL.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';

const DIR = fileURLToPath(new URL('../../examples/flows/', import.meta.url));
const files = (await readdir(DIR)).filter((f) => f.endsWith('.yaml')).sort();

describe.each(testDialects())('examples/flows (%s)', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(dialect, {}, { plan: 'unlimited' });
    await h.api('PUT', '/v1/secrets/SLACK_WEBHOOK_URL', { value: 'https://hooks.slack.com/services/T000/B000/XXXX' });
    await h.api('PUT', '/v1/secrets/KLAVIYO_PRIVATE_API_KEY', { value: 'pk_example' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('has the flows README promises', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files)('%s applies and activates', async (file) => {
    const yaml = await readFile(`${DIR}${file}`, 'utf8');
    const res = await h.api('POST', '/v1/flows/apply?activate=true', yaml, { 'content-type': 'application/yaml' });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    expect(res.body.data.flow.status).toBe('active');
  });
});
