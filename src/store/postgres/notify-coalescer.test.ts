import { describe, expect, it } from 'vitest';
import { coalesceNotify } from './notify-coalescer.js';

function gatedSender() {
  const sent: number[] = [];
  const gates: Array<{ open: () => void; fail: (e: unknown) => void }> = [];
  const send = (dueAt: number) =>
    new Promise<void>((resolve, reject) => {
      sent.push(dueAt);
      gates.push({ open: resolve, fail: reject });
    });
  return { sent, gates, send };
}

describe('coalesceNotify', () => {
  it('sends at once when nothing is in flight', async () => {
    const { sent, gates, send } = gatedSender();
    const notify = coalesceNotify(send);
    const first = notify(5);
    expect(sent).toEqual([5]);
    gates[0]!.open();
    await first;
    const second = notify(7);
    expect(sent).toEqual([5, 7]);
    gates[1]!.open();
    await second;
  });

  it('merges requests made while one is in flight into one follow-up with the earliest time', async () => {
    const { sent, gates, send } = gatedSender();
    const notify = coalesceNotify(send);
    const first = notify(10);
    let settled = 0;
    const later = [notify(30), notify(20), notify(25)].map((p) => p.then(() => settled++));
    expect(sent).toEqual([10]);
    gates[0]!.open();
    await first;
    await Promise.resolve();
    expect(sent).toEqual([10, 20]);
    expect(settled).toBe(0); // not before the follow-up went out
    gates[1]!.open();
    await Promise.all(later);
    expect(settled).toBe(3);
  });

  it('rejects the merged callers when their NOTIFY fails, and keeps working', async () => {
    const { sent, gates, send } = gatedSender();
    const notify = coalesceNotify(send);
    const first = notify(1);
    const merged = notify(2);
    gates[0]!.open();
    await first;
    await Promise.resolve();
    const boom = new Error('connection lost');
    gates[1]!.fail(boom);
    await expect(merged).rejects.toBe(boom);
    const again = notify(3);
    expect(sent).toEqual([1, 2, 3]);
    gates[2]!.open();
    await again;
  });
});
