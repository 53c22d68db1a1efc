import type { WebSocket } from 'ws';
import type { CitizenAuthService } from '../../src/auth/citizen-auth.service';
import type { SocketEndpoint } from '../../src/http/sockets';
import { topics, type RealtimeBus } from '../../src/jobs/realtime';

export const citizenSocketPath = '/api/mp/v1/ws';

/**
 * Real-time push to the mini-program: GET /api/mp/v1/ws?token=… upgrades to a WebSocket that
 * receives the citizen's events as JSON. Polling GET /api/mp/v1/messages is the fallback.
 */
export function citizenSocket(deps: { citizenAuth: CitizenAuthService; bus: RealtimeBus }): SocketEndpoint {
  return {
    path: citizenSocketPath,
    async admit(_req, url) {
      const citizen = await deps.citizenAuth.authenticate(url.searchParams.get('token') ?? '');
      if (!citizen) return { ok: false, status: 401 };
      return { ok: true, connected: (ws) => connected(ws, citizen.contactId) };
    },
  };

  function connected(ws: WebSocket, contactId: number): void {
    // Citizens only listen; anything they send is ignored (messages go through POST /messages).
    const unsubscribe = deps.bus.subscribe(topics.citizen(contactId), (event) => ws.send(JSON.stringify(event)));
    ws.on('close', unsubscribe);
    ws.send(JSON.stringify({ type: 'hello', at: new Date().toISOString() }));
  }
}
