import { api } from '../../api/client';

/**
 * The hot spots of one status, as 热点预警 and 告警中心's count both read them: one key, one fetcher (a key
 * shared by two different fetchers would serve one's data to the other). Under `notifications`, so that a new
 * hot spot's notice refreshes them.
 */
export const hotspotsQuery = (status: 'open' | 'closed') => ({
  queryKey: ['notifications', 'hotspots', status],
  queryFn: async () => (await api.GET('/api/v1/hotspots', { params: { query: { status, limit: 100 } } })).data?.items,
  refetchInterval: 60_000,
});
