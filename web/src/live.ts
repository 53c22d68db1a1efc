import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { StaffEvent } from '../../src/shared/live-events';

export type CallOffer = Extract<StaffEvent, { type: 'call' }>;
export type LiveState = 'connecting' | 'live' | 'offline';

/** What each event makes stale: the console refetches it through the API (scope and masking stay the API's). */
function staleBy(event: StaffEvent): QueryKey[] {
  switch (event.type) {
    case 'ticket':
      return [['tickets'], ['ticket', event.ticketId], ['queues']];
    case 'tickets_created':
      return [['tickets'], ['queues']];
    case 'queue':
      return [[event.queue], ['queues']];
    case 'notification':
      return [['notifications']];
    case 'call':
      return [];
  }
}

/**
 * The staff socket (/api/v1/ws, the session cookie): every page stays current without polling. Events
 * are batched for half a second, so a burst of changes costs each list one refetch; after a
 * reconnection everything is refetched (what was missed meanwhile). A call offered to this seat goes
 * to onCall. A session that ended (4401) sends the user to sign in again.
 */
export function useLive(onCall: (call: CallOffer) => void): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  const onCallRef = useRef(onCall);
  onCallRef.current = onCall;

  useEffect(() => {
    let socket: WebSocket | undefined;
    let attempts = 0;
    let stopped = false;
    let reconnect: ReturnType<typeof setTimeout> | undefined;
    let flush: ReturnType<typeof setTimeout> | undefined;
    const stale = new Map<string, QueryKey>();

    const invalidate = (keys: QueryKey[]) => {
      for (const key of keys) stale.set(JSON.stringify(key), key);
      flush ??= setTimeout(() => {
        flush = undefined;
        for (const queryKey of stale.values()) void queryClient.invalidateQueries({ queryKey });
        stale.clear();
      }, 500);
    };

    const connect = () => {
      socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/ws`);
      socket.onopen = () => {
        if (attempts > 0) void queryClient.invalidateQueries();
        attempts = 0;
        setState('live');
      };
      socket.onmessage = (message) => {
        const event = JSON.parse(String(message.data)) as StaffEvent | { type: 'hello' };
        if (event.type === 'hello') return;
        if (event.type === 'call') onCallRef.current(event);
        invalidate(staleBy(event));
      };
      socket.onclose = (closing) => {
        if (stopped) return;
        setState('offline');
        if (closing.code === 4401) {
          void queryClient.invalidateQueries({ queryKey: ['me'] });
          return;
        }
        reconnect = setTimeout(connect, Math.min(30_000, 1_000 * 2 ** attempts++));
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(reconnect);
      clearTimeout(flush);
      socket?.close();
    };
  }, [queryClient]);
  return state;
}
