import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

/** The grids the user may see: a courier's own, all for the center. `enabled` false skips the request. */
export function useGrids(enabled = true) {
  return useQuery({
    queryKey: ['postal', 'grids'],
    queryFn: async () => (await api.GET('/api/v1/postal/grids')).data?.items ?? [],
    enabled,
  });
}
