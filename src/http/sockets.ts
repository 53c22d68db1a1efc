import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** One WebSocket endpoint of the hub: its path, and who may open it. */
export interface SocketEndpoint {
  path: string;
  /** Whether the socket opens, and what it does once open; a thrown error is a 503. */
  admit(req: IncomingMessage, url: URL): Promise<{ ok: true; connected: (ws: WebSocket) => void } | { ok: false; status: 401 | 403 }>;
}

const statusLines = { 401: '401 Unauthorized', 403: '403 Forbidden', 404: '404 Not Found', 503: '503 Service Unavailable' } as const;

/**
 * The hub's WebSockets (the citizens' mini-program push, the staff console's live updates) on the
 * HTTP server: one upgrade listener routes by path; an unknown path or a refused socket gets a
 * plain HTTP answer. Every socket is pinged every 30 s and dropped when it stops answering.
 * Returns a function that closes every socket (graceful shutdown).
 */
export function attachSockets(server: Server, endpoints: readonly SocketEndpoint[], onError: (err: unknown) => void): () => Promise<void> {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });
  const refuse = (socket: Duplex, status: keyof typeof statusLines) =>
    socket.end(`HTTP/1.1 ${statusLines[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    const endpoint = endpoints.find((e) => e.path === url.pathname);
    if (!endpoint) return refuse(socket, 404);
    endpoint.admit(req, url).then(
      (admission) => {
        if (!admission.ok) return refuse(socket, admission.status);
        sockets.handleUpgrade(req, socket, head, (ws) => {
          keepAlive(ws);
          admission.connected(ws);
        });
      },
      (err: unknown) => {
        onError(err);
        refuse(socket, 503);
      },
    );
  });

  return () =>
    new Promise<void>((resolve) => {
      for (const ws of sockets.clients) ws.terminate();
      sockets.close(() => resolve());
    });
}

function keepAlive(ws: WebSocket): void {
  let alive = true;
  ws.on('pong', () => (alive = true));
  const heartbeat = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, 30_000).unref();
  ws.on('close', () => clearInterval(heartbeat));
}

/** Whether a browser's Origin is the hub's own: its public URL, or the host the request was sent to. */
export function isOwnOrigin(stated: string | undefined, publicOrigin: string, host: string | undefined): boolean {
  if (!stated) return false;
  if (stated === publicOrigin) return true;
  try {
    return host !== undefined && new URL(stated).host === host;
  } catch {
    return false;
  }
}
