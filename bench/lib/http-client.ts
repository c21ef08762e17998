/** A small keep-alive JSON client for the driver (node:http, so it depends on nothing). */
import { Agent, request } from 'node:http';

export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
}

export function createClient(maxSockets = 16): { post<T = unknown>(url: string, body: unknown, headers?: Record<string, string>): Promise<JsonResponse<T>>; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return {
    post<T>(url: string, body: unknown, headers: Record<string, string> = {}) {
      const payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      return new Promise<JsonResponse<T>>((resolve, reject) => {
        const req = request(
          url,
          { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let parsed: unknown = text;
              try {
                parsed = JSON.parse(text);
              } catch {
                /* keep the text */
              }
              resolve({ status: res.statusCode ?? 0, body: parsed as T });
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/** Runs `fn` over `items` with at most `limit` in flight, in order of start. */
export async function inParallel<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  });
  await Promise.all(lanes);
}
