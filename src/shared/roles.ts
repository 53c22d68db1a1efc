export const userRoles = [
  'operator',
  'proxy_seat',
  'agent',
  'dept_head',
  'runner',
  'supervisor',
  'director',
  'county_leader',
  'admin',
] as const;
export type UserRole = (typeof userRoles)[number];

export const roleLabels: Record<UserRole, string> = {
  operator: '话务员',
  proxy_seat: '代办专席',
  agent: '承办人员',
  dept_head: '部门负责人',
  runner: '跑手/代办员',
  supervisor: '督办/值班长',
  director: '中心主任',
  county_leader: '县政府分管负责人',
  admin: '系统管理员',
};

/** Hotline-center staff see every ticket. */
export const centerRoles = ['operator', 'proxy_seat', 'supervisor', 'director', 'admin'] as const satisfies readonly UserRole[];
/**
 * Department staff see only their department's tickets, with citizen PII masked. The county leader in charge
 * (county_leader) is neither: they see the hard cases (办不成事) reported to them, masked, and dispatch them (联办).
 */
export const departmentRoles = ['agent', 'dept_head', 'runner'] as const satisfies readonly UserRole[];

export const isCenterRole = (role: UserRole): boolean => (centerRoles as readonly UserRole[]).includes(role);

export const apiKeyScopes = ['read', 'write'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

/** Who did something: a signed-in user, or the hub itself (jobs, classifier). */
export type Actor =
  | {
      kind: 'user';
      userId: number;
      username: string;
      displayName: string;
      role: UserRole;
      departmentId: number | null;
      via: 'session' | 'api_key' | 'chat' | 'job';
      /** An API key's scopes: without `write` it may only read. */
      scopes?: readonly ApiKeyScope[];
      /** Where the request came from, as the trusted reverse proxy reports it (for the audit log). */
      address?: string;
    }
  | { kind: 'system' | 'classifier' | 'citizen'; name: string };

export type UserActor = Extract<Actor, { kind: 'user' }>;
export type SystemActor = { kind: 'system'; name: string };

/** The hub itself and hotline-center staff see every ticket, with citizen data in clear. */
export const isCenterActor = (actor: Actor): boolean => actor.kind !== 'user' || isCenterRole(actor.role);

export const systemActor = (name: string): Actor => ({ kind: 'system', name });
