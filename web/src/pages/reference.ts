import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../api/client';

/** The taxonomy as a tree for TreeSelect (两级分类), and each category's name by id. */
export function useCategories() {
  const { data } = useQuery({
    queryKey: ['categories'],
    staleTime: 10 * 60_000,
    queryFn: async () => (await api.GET('/api/v1/categories')).data?.items ?? [],
  });
  return useMemo(() => {
    const items = data ?? [];
    const names = new Map(items.flatMap((c) => [c, ...c.children]).map((c) => [c.id, c.name]));
    const tree = items.map((c) => ({
      value: c.id,
      title: c.name,
      children: c.children.map((child) => ({ value: child.id, title: child.name })),
    }));
    return { items, tree, nameOf: (id: number | null | undefined) => (id == null ? undefined : names.get(id)) };
  }, [data]);
}

/** The departments (all of them, for admins; inactive ones marked), as options and names by id. */
export function useDepartments() {
  const { data } = useQuery({
    queryKey: ['departments', 'all'],
    staleTime: 5 * 60_000,
    queryFn: async () => (await api.GET('/api/v1/departments')).data?.items ?? [],
  });
  return useMemo(() => {
    const items = data ?? [];
    const names = new Map(items.map((d) => [d.id, d.name]));
    const options = items.map((d) => ({ value: d.id, label: d.active ? d.name : `${d.name}（已停用）` }));
    return { items, options, nameOf: (id: number | null | undefined) => (id == null ? undefined : names.get(id)) };
  }, [data]);
}
