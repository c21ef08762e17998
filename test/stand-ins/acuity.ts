/**
 * A stand-in for Acuity Scheduling's `GET /api/v1/appointments/:id`: checks basic auth (the user id
 * and API key it was given) and the path, and answers the appointments it holds as Acuity does
 * (its documented appointment example's fields), 401 for other credentials, 404 for unknown ids.
 */
import { createServer } from 'node:http';

export interface AcuityStandIn {
  /** Base URL for NUDGE_CHANNEL_ENDPOINTS (`acuity=<url>`). */
  url: string;
  appointments: Map<string, Record<string, unknown>>;
  /** Paths requested, with the status answered. */
  requests: Array<{ path: string; status: number }>;
  close(): Promise<void>;
}

export async function startAcuityStandIn(userId: string, apiKey: string): Promise<AcuityStandIn> {
  const appointments = new Map<string, Record<string, unknown>>();
  const requests: AcuityStandIn['requests'] = [];
  const expected = `Basic ${Buffer.from(`${userId}:${apiKey}`).toString('base64')}`;
  const server = createServer((req, res) => {
    const match = /^\/api\/v1\/appointments\/(\d+)$/.exec(req.url ?? '');
    const found = match ? appointments.get(match[1]!) : undefined;
    const status = req.method !== 'GET' ? 405 : req.headers.authorization !== expected ? 401 : found ? 200 : 404;
    requests.push({ path: req.url ?? '', status });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(status === 200 ? found : { status_code: status, message: 'refused', error: status === 401 ? 'unauthorized' : 'not_found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    appointments,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
