import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../api/client';
import type { paths } from '../api/schema';

export type Region = paths['/api/v1/regions']['get']['responses'][200]['content']['application/json']['items'][number];

/** Every region, city to grid, as the API lists them (the admins' tree; the cascader below). */
export function useRegionList() {
  return useQuery({
    queryKey: ['regions'],
    staleTime: 30 * 60_000,
    queryFn: async () => (await api.GET('/api/v1/regions')).data?.items ?? [],
  });
}

export interface RegionOption {
  value: number;
  label: string;
  children?: RegionOption[];
}

/** The regions as the cascader shows them (区 → 街道/乡镇 → 社区/村), and each region's path from its district. */
export function useRegions(): {
  options: RegionOption[];
  pathOf: (id: number | undefined) => number[] | undefined;
  nameOf: (id: number) => string | undefined;
} {
  const { data } = useRegionList();
  return useMemo(() => {
    const regions = data ?? [];
    const byId = new Map(regions.map((r) => [r.id, r]));
    const nodes = new Map(regions.map((r) => [r.id, { value: r.id, label: r.name } as RegionOption]));
    const roots: RegionOption[] = [];
    for (const r of regions) {
      const node = nodes.get(r.id)!;
      const parent = r.parentId === null ? undefined : nodes.get(r.parentId);
      // The city itself is not a choice: its districts are the cascader's first column.
      if (parent && byId.get(r.parentId!)?.level !== 'city') (parent.children ??= []).push(node);
      else if (r.level !== 'city') roots.push(node);
    }
    const pathOf = (id: number | undefined) => {
      const path: number[] = [];
      for (
        let r = id === undefined ? undefined : byId.get(id);
        r && r.level !== 'city';
        r = r.parentId === null ? undefined : byId.get(r.parentId)
      )
        path.unshift(r.id);
      return path.length > 0 ? path : undefined;
    };
    return { options: roots, pathOf, nameOf: (id: number) => byId.get(id)?.name };
  }, [data]);
}

export interface RegionNode {
  value: number;
  title: string;
  children?: RegionNode[];
}

/** The cascader's tree as TreeSelect nodes (districts first; any place may be picked, a district covers all below it). */
export const regionTree = (options: RegionOption[]): RegionNode[] =>
  options.map((o) => ({ value: o.value, title: o.label, children: o.children && regionTree(o.children) }));
