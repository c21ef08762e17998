/**
 * The schemas of the editor's own forms (the flow's settings, the trigger, every step's common
 * settings, a branch): parts of a flow the server's per-kind schemas do not cover as forms.
 */
import { REENTRY_POLICIES } from '../../../../../src/core/flow-definition';
import type { JsonSchema } from '../api/flow-api';

export const COMMON_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'plain' },
    name: { type: 'string', format: 'plain' },
    max_lateness: { type: 'string', format: 'duration' },
    retry: { type: 'object', properties: { max_attempts: { type: 'integer', minimum: 1, maximum: 20 } } },
  },
};

export const FLOW_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', format: 'plain' },
    description: { type: 'string', format: 'multiline' },
    session: { type: 'object', properties: { key: { type: 'string' }, reentry: { type: 'string', enum: [...REENTRY_POLICIES] } } },
    settings: { type: 'object', properties: { max_lateness: { type: 'string', format: 'duration' } } },
  },
  required: ['name'],
};

export const EVENT_TRIGGER_SCHEMA: JsonSchema = { type: 'object', properties: { event: {}, conditions: {} }, required: ['event'] };
export const APPOINTMENT_TRIGGER_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    anchor: { type: 'string', enum: ['start', 'end'] },
    before: { type: 'string', format: 'duration' },
    after: { type: 'string', format: 'duration' },
    if_past: { type: 'string', enum: ['skip', 'send_now'] },
    conditions: {},
  },
  required: ['anchor'],
};

export const BRANCH_SCHEMA: JsonSchema = { type: 'object', properties: { name: { type: 'string' }, when: {} }, required: ['when'] };
