import { useQuery } from '@tanstack/react-query';
import { api, type Me } from './api/client';

/** Who is signed in (undefined while asking, null when nobody). */
export function useMe(): { me: Me | null | undefined } {
  const { data } = useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      const { data, response } = await api.GET('/api/v1/auth/me');
      if (response.status === 401) return null;
      return data ?? null;
    },
    staleTime: 60_000,
  });
  return { me: data };
}

/** Each role's start page. */
export function startPage(me: Me): string {
  if (me.role === 'operator' || me.role === 'proxy_seat') return '/seat';
  if (me.role === 'runner') return '/runner';
  if (me.role === 'director') return '/board';
  if (me.role === 'county_leader') return '/hard-cases';
  return me.role === 'agent' || me.role === 'dept_head' ? '/workbench' : '/tickets';
}

/** A form's draft kept for the session: a sign-in again (an expired session) loses nothing. */
export function loadDraft<T>(key: string): Partial<T> | undefined {
  try {
    const raw = sessionStorage.getItem(`draft:${key}`);
    return raw ? (JSON.parse(raw) as Partial<T>) : undefined;
  } catch {
    return undefined;
  }
}

export function saveDraft(key: string, value: unknown): void {
  sessionStorage.setItem(`draft:${key}`, JSON.stringify(value));
}

export function clearDraft(key: string): void {
  sessionStorage.removeItem(`draft:${key}`);
}
