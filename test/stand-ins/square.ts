/**
 * A stand-in for Square's Customers API, `GET /v2/customers/:id`: checks the bearer token it was
 * given and that a `Square-Version` header is sent, and answers the customers it holds as Square
 * does (`{ customer: { id, given_name, family_name, email_address, phone_number, … } }`), or Square's
 * error body (`{ errors: [{ category, code, detail }] }`) with 401 for another token and 404 for an
 * unknown id.
 */
import { createServer } from 'node:http';

export interface SquareStandIn {
  /** Base URL for NUDGE_CHANNEL_ENDPOINTS (`square=<url>`). */
  url: string;
  customers: Map<string, Record<string, unknown>>;
  /** Paths requested, with the status answered and the Square-Version header sent. */
  requests: Array<{ path: string; status: number; version: string | undefined }>;
  close(): Promise<void>;
}

export async function startSquareStandIn(accessToken: string): Promise<SquareStandIn> {
  const customers = new Map<string, Record<string, unknown>>();
  const requests: SquareStandIn['requests'] = [];
  const server = createServer((req, res) => {
    const match = /^\/v2\/customers\/([^/?]+)$/.exec(req.url ?? '');
    const found = match ? customers.get(decodeURIComponent(match[1]!)) : undefined;
    const version = req.headers['square-version'] as string | undefined;
    const status = req.method !== 'GET' || !version ? 400 : req.headers.authorization !== `Bearer ${accessToken}` ? 401 : found ? 200 : 404;
    requests.push({ path: req.url ?? '', status, version });
    res.writeHead(status, { 'content-type': 'application/json' });
    const code = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 404: 'NOT_FOUND' }[status as 400 | 401 | 404];
    res.end(JSON.stringify(status === 200 ? { customer: found } : { errors: [{ category: status === 401 ? 'AUTHENTICATION_ERROR' : 'INVALID_REQUEST_ERROR', code, detail: 'refused' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    customers,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
