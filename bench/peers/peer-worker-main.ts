/**
 * A peer's worker process. Env: PEER (engine name), PEER_CONTEXT (JSON, see peer.ts).
 * Prints "peer worker ready" once it is taking jobs; SIGTERM stops it gracefully.
 */
import type { EngineName } from '../lib/engine.js';
import { createDeliver, type DeliveryClient } from './deliver.js';
import { loadPeer, type PeerContext } from './peer.js';

const name = process.env.PEER as EngineName;
const ctx = JSON.parse(process.env.PEER_CONTEXT ?? '{}') as PeerContext;
const peer = await loadPeer(name);
const client = (ctx.tuning.client ?? 'request') as DeliveryClient;
const worker = await peer.runWorker(ctx, createDeliver(ctx.receiverUrl, client));
process.stdout.write(`peer worker ready (${name}, pid ${process.pid})\n`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    worker.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  });
}
