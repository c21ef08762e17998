/** The driver's side of the receiver process (see receiver-main.ts). */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, type Child } from './processes.js';

export interface ReceiverCounts {
  total: number;
  unknown: number;
  bad: number;
}

export interface ReceiverDump extends ReceiverCounts {
  /** Per reminder: times it arrived, first arrival (epoch ms), start_at it carried (epoch ms). */
  counts: Float64Array;
  arrivals: Float64Array;
  starts: Float64Array;
}

export interface Receiver {
  url: string;
  child: Child;
  counts(): Promise<ReceiverCounts>;
  /** Resolves once `total` requests arrived, or when `deadline` (epoch ms) passes. */
  waitForTotal(total: number, deadline: number): Promise<ReceiverCounts>;
  dump(): Promise<ReceiverDump>;
  close(): Promise<void>;
}

export async function startReceiver(n: number): Promise<Receiver> {
  const child = await startChild('receiver', { name: 'receiver', ipc: true, env: { RECEIVER_N: String(n) } });
  const proc = child.proc;
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== type) return;
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        resolve(m as T);
      };
      const onExit = () => reject(new Error(`receiver exited:\n${child.output()}`));
      proc.on('message', onMessage);
      proc.once('exit', onExit);
    });
  const { port } = await next<{ port: number }>('ready');
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}`,
    child,
    async counts() {
      const reply = next<ReceiverCounts>('count');
      proc.send({ type: 'count' });
      return reply;
    },
    async waitForTotal(total, deadline) {
      for (;;) {
        const c = await receiver.counts();
        if (c.total >= total || Date.now() >= deadline) return c;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async dump() {
      const file = join(tmpdir(), `nudge-bench-receiver-${process.pid}-${Date.now()}.bin`);
      const reply = next<ReceiverCounts>('dumped');
      proc.send({ type: 'dump', file });
      const c = await reply;
      const buf = readFileSync(file);
      rmSync(file, { force: true });
      const view = (k: number) => new Float64Array(buf.buffer.slice(buf.byteOffset + k * n * 8, buf.byteOffset + (k + 1) * n * 8));
      return { ...c, counts: view(0), arrivals: view(1), starts: view(2) };
    },
    async close() {
      if (proc.connected) proc.send({ type: 'close' });
      await child.stop('SIGTERM', 2000);
    },
  };
  return receiver;
}
