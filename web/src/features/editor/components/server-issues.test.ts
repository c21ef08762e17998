import { describe, expect, it } from 'vitest';
import { locateIssuePath } from '../store/step-paths';
import { issuesUnder, pinIssues } from './server-issues';

describe('server issues pinned to nodes and fields', () => {
  it('finds the deepest step of a path and the field inside it', () => {
    expect(locateIssuePath('steps[2].wait.until')).toEqual({ target: 'steps[2]', field: 'wait.until' });
    expect(locateIssuePath('steps[1].branch.branches[0].steps[0].webhook.url')).toEqual({ target: 'steps[1].branch.branches[0].steps[0]', field: 'webhook.url' });
    expect(locateIssuePath('steps[1].branch.otherwise[3]')).toEqual({ target: 'steps[1].branch.otherwise[3]', field: '' });
    expect(locateIssuePath('steps[1].branch.branches[0].when[0].op')).toEqual({ target: 'steps[1]', field: 'branch.branches[0].when[0].op' });
    expect(locateIssuePath('trigger.appointment.before')).toEqual({ target: 'trigger', field: 'appointment.before' });
    expect(locateIssuePath('steps')).toEqual({ target: 'flow', field: 'steps' });
    expect(locateIssuePath('name')).toEqual({ target: 'flow', field: 'name' });
  });

  it('groups issues by node and collects a field with everything under it', () => {
    const pinned = pinIssues([
      { path: 'steps[0].email.subject', message: 'must not be empty' },
      { path: 'steps[0].webhook.headers.X Y', message: 'invalid header name' },
      { path: 'trigger', message: 'required' },
    ]);
    expect([...pinned.keys()]).toEqual(['steps[0]', 'trigger']);
    expect(issuesUnder(pinned.get('steps[0]'), 'email.subject')).toEqual(['must not be empty']);
    expect(issuesUnder(pinned.get('steps[0]'), 'webhook.headers')).toEqual(['X Y: invalid header name']);
    expect(issuesUnder(pinned.get('steps[0]'), 'email.html')).toEqual([]);
  });
});
