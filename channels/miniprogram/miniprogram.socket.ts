import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CitizenAuthService } from '../../src/auth/citizen-auth.service';
import type { RealtimeBus } from '../../src/notify/realtime';
import type { Logger } from '../../src/shared/logger';

export const citizenSocketPath = '/api/mp/v1/ws';

/**
 * Real-time push to the mini-program: GET /api/mp/v1/ws?token=… upgrades to a WebSocket that
 * receives the citizen's events as JSON. Polling GET /api/mp/v1/messages is the fallback.
 * Returns a function that closes every socket (graceful shutdown).
 */
export function attachCitizenSocket(
  server: Server,
  deps: { citizenAuth: CitizenAuthService; bus: RealtimeBus; logger: Logger },
): () => Promise<void> {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    if (url.pathname !== citizenSocketPath) {
      socket.destroy();
      return;
    }
    void deps.citizenAuth.authenticate(url.searchParams.get('token') ?? '').then(
      (citizen) => {
        if (!citizen) {
          socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
          return;
        }
        sockets.handleUpgrade(req, socket, head, (ws) => connected(ws, citizen.contactId));
      },
      (err) => {
        deps.logger.error({ err }, 'websocket authentication failed');
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      },
    );
  });

  function connected(ws: WebSocket, contactId: number): void {
    const unsubscribe = deps.bus.subscribe(contactId, (event) => ws.send(JSON.stringify(event)));
    let alive = true;
    ws.on('pong', () => (alive = true));
    // Citizens only listen; anything they send is ignored (messages go through POST /messages).
    const heartbeat = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, 30_000).unref();
    ws.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
    ws.send(JSON.stringify({ type: 'hello', at: new Date().toISOString() }));
  }

  return () =>
    new Promise<void>((resolve) => {
      for (const ws of sockets.clients) ws.terminate();
      sockets.close(() => resolve());
    });
}
