import type { WebSocket } from 'ws';
import { sessionCookieOf } from '../http/http-app';
import { isOwnOrigin, type SocketEndpoint } from '../http/sockets';
import { topics, type RealtimeBus } from '../jobs/realtime';
import type { StaffEvent } from '../shared/live-events';
import { isCenterRole, type UserActor } from '../shared/roles';

export const staffSocketPath = '/api/v1/ws';

/** How often an open socket checks that its session still holds (signed out, expired, user deactivated). */
const sessionCheckMs = 30_000;

/**
 * The staff console's live updates: GET /api/v1/ws upgrades, with the session cookie, from the hub's
 * own pages (the Origin is checked: a cookie-authenticated socket is a cross-site hijack otherwise).
 * It hears the ticket changes in its user's scope (center roles: all; department staff: their
 * department's), the center's queues (center roles), and its user's own events (notifications, calls
 * offered to the seat). Events are hints to reload through the API; the socket sends nothing else.
 */
export function staffSocket(deps: {
  auth: { authenticate(secret: string): Promise<UserActor | undefined> };
  bus: RealtimeBus;
  publicUrl: string;
}): SocketEndpoint {
  const publicOrigin = new URL(deps.publicUrl).origin;
  return {
    path: staffSocketPath,
    async admit(req) {
      if (!isOwnOrigin(req.headers.origin, publicOrigin, req.headers.host)) return { ok: false, status: 403 };
      const secret = sessionCookieOf(req.headers.cookie);
      const actor = secret === undefined ? undefined : await deps.auth.authenticate(secret);
      if (!secret || !actor) return { ok: false, status: 401 };
      return { ok: true, connected: (ws) => connected(ws, secret, actor) };
    },
  };

  function connected(ws: WebSocket, secret: string, actor: UserActor): void {
    const send = (event: StaffEvent) => ws.send(JSON.stringify(event));
    const center = isCenterRole(actor.role);
    const unsubscribe = [
      deps.bus.subscribe(topics.tickets, (event) => {
        if (event.type !== 'ticket' || !('departmentIds' in event)) return;
        if (center || (actor.departmentId !== null && event.departmentIds.includes(actor.departmentId))) send(event);
      }),
      deps.bus.subscribe(topics.user(actor.userId), (event) => send(event as StaffEvent)),
      ...(center ? [deps.bus.subscribe(topics.center, (event) => send(event as StaffEvent))] : []),
    ];
    const sessionCheck = setInterval(() => {
      deps.auth.authenticate(secret).then(
        (still) => void (still ? undefined : ws.close(4401, 'session ended')),
        () => undefined, // the database is away: keep the socket, check again next time
      );
    }, sessionCheckMs).unref();
    ws.on('close', () => {
      clearInterval(sessionCheck);
      for (const stop of unsubscribe) stop();
    });
    ws.send(JSON.stringify({ type: 'hello', at: new Date().toISOString() }));
  }
}
