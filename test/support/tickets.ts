import type { AuthedAgent } from './test-hub';

export async function createTicket(agent: AuthedAgent, overrides: Record<string, unknown> = {}) {
  const res = await agent.post('/api/v1/tickets', {
    requestType: 'complaint',
    description: '东华社区3号楼门口路灯坏了一个月，晚上出行不安全。',
    caller: { phone: '13812345678', name: '张三' },
    ...overrides,
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: number; number: string; status: string; version: number };
}

/** POST an action; fails the test with the server's answer when the status is not the expected one. */
export async function act(agent: AuthedAgent, ticketId: number, action: string, body: object = {}, expectStatus = 200) {
  const res = await agent.post(`/api/v1/tickets/${ticketId}/${action.replace(/_/g, '-')}`, body);
  if (res.status !== expectStatus) throw new Error(`${action} → ${res.status} (expected ${expectStatus}): ${JSON.stringify(res.body)}`);
  return res.body;
}

export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
