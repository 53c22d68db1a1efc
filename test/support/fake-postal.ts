import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A small postal tracking API: GET /tracking/{number} with the bearer key; answers can be set, or failures queued. */
export async function startFakePostal(apiKey: string) {
  const parcels = new Map<string, { status: 'in_transit' | 'delivered' | 'returned'; deliveredAt?: string }>();
  let failures = 0;
  const lookups: string[] = [];
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${apiKey}`) return reply(401, { error: 'unauthorized' });
    const match = /^\/tracking\/([A-Za-z0-9]+)$/.exec(req.url ?? '');
    if (req.method !== 'GET' || !match) return reply(404, { error: 'not found' });
    lookups.push(match[1]!);
    if (failures > 0) {
      failures -= 1;
      return reply(502, { error: 'upstream unavailable' });
    }
    const parcel = parcels.get(match[1]!) ?? { status: 'in_transit' as const };
    reply(200, { trackingNumber: match[1], ...parcel });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    lookups,
    set: (trackingNumber: string, status: 'in_transit' | 'delivered' | 'returned') =>
      parcels.set(trackingNumber, { status, ...(status === 'delivered' ? { deliveredAt: new Date().toISOString() } : {}) }),
    failNext: (n: number) => (failures += n),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
