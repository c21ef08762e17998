/**
 * The webhook receiver, a process of its own so that it never competes with an engine's event
 * loop. It accepts keep-alive POSTs, answers 200 at once, and records for reminder `i` (from
 * `properties.appointment_id`): how many times it arrived, when it first arrived, and the
 * `start_at` it carried. The driver asks over IPC for counts and, at the end, for a dump.
 *
 * Env: RECEIVER_N (how many reminders to expect, the size of the arrays).
 */
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { reminderIndex } from './payload.js';

const n = Number(process.env.RECEIVER_N ?? '0');
const counts = new Float64Array(n);
const arrivals = new Float64Array(n);
const starts = new Float64Array(n);
let total = 0;
let unknown = 0;
let bad = 0;

const OK = Buffer.from('{"ok":true}');

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const at = Date.now();
    total++;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        data?: { attributes?: { properties?: { appointment_id?: unknown; start_at?: unknown } } };
      };
      const props = body.data?.attributes?.properties;
      const i = reminderIndex(props?.appointment_id);
      if (i >= 0 && i < n) {
        if (counts[i] === 0) {
          arrivals[i] = at;
          starts[i] = typeof props?.start_at === 'string' ? Date.parse(props.start_at) : Number.NaN;
        }
        counts[i]! += 1;
      } else unknown++;
    } catch {
      bad++;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': OK.length });
    res.end(OK);
  });
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.maxRequestsPerSocket = 0;

type Message = { type: 'count' } | { type: 'dump'; file: string } | { type: 'close' };

process.on('message', (m: Message) => {
  if (m.type === 'count') process.send!({ type: 'count', total, unknown, bad });
  else if (m.type === 'dump') {
    // One file: counts, then first arrival, then the start_at carried (all Float64, n each).
    const out = Buffer.alloc(n * 24);
    Buffer.from(counts.buffer).copy(out, 0);
    Buffer.from(arrivals.buffer).copy(out, n * 8);
    Buffer.from(starts.buffer).copy(out, n * 16);
    writeFileSync(m.file, out);
    process.send!({ type: 'dumped', total, unknown, bad });
  } else if (m.type === 'close') {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send!({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
