import { eventually, startFakeTwilio } from '../support/fake-twilio';
import { startFakeWorkChat } from '../support/fake-work-chat';
import { demoIds, startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';
import { createTicket } from '../support/tickets';
import { publicUrl, twilioAccount, twilioEnv } from '../support/twilio';

const credentials = {
  wecom: { corpId: 'ww0123456789abcdef', corpSecret: 'wecom-app-secret-0123456789' },
  dingtalk: { appKey: 'dingabcdefghijklmn', appSecret: 'dingtalk-app-secret-0123456789' },
};

let t: TestHub;
let chat: Awaited<ReturnType<typeof startFakeWorkChat>>;
let sms: Awaited<ReturnType<typeof startFakeTwilio>>;
let admin: AuthedAgent;
let operator: AuthedAgent;
let ids: Awaited<ReturnType<typeof demoIds>>;

beforeAll(async () => {
  chat = await startFakeWorkChat(credentials);
  sms = await startFakeTwilio(twilioAccount);
  t = await startTestHub({
    env: {
      ...twilioEnv(sms.url),
      WECOM_CORP_ID: credentials.wecom.corpId,
      WECOM_CORP_SECRET: credentials.wecom.corpSecret,
      WECOM_AGENT_ID: '1000002',
      WECOM_API_BASE: chat.url,
      DINGTALK_APP_KEY: credentials.dingtalk.appKey,
      DINGTALK_APP_SECRET: credentials.dingtalk.appSecret,
      DINGTALK_AGENT_ID: '2000003',
      DINGTALK_API_BASE: chat.url,
    },
  });
  [admin, operator] = await Promise.all([t.as('admin'), t.as('operator')]);
  ids = await demoIds(t.hub);
});
afterAll(async () => {
  await t.close();
  await chat.close();
  await sms.close();
});

const userId = async (username: string) => (await t.hub.db('users').where({ username }).first()).id as number;
/** The user sets their own work-chat account. */
async function account(username: string, platform: 'wecom' | 'dingtalk', id: string) {
  const res = await (await t.as(username)).patch(`/api/v1/users/${await userId(username)}/work`, { workChat: { platform, userId: id } });
  expect(res.status).toBe(200);
  expect(res.body.workChat).toEqual({ platform, userId: id });
}
const dispatched = async (department: string, description: string) => {
  const ticket = await createTicket(operator, { description });
  const res = await operator.post(`/api/v1/tickets/${ticket.id}/dispatch`, { departmentId: ids.department(department) });
  expect(res.status).toBe(200);
  return ticket;
};
const sentAbout = (platform: 'wecom' | 'dingtalk', needle: string) =>
  chat.sent.filter((m) => m.platform === platform && JSON.stringify(m.body).includes(needle));

describe('work chat: WeCom and DingTalk', () => {
  test('when a ticket is dispatched to a department on WeCom, then its members with an account get a text card linking to the ticket; the token is kept, and fetched again once it expires', async () => {
    await account('agent', 'wecom', 'zhangwei');
    await account('head', 'wecom', 'zhaoqiang');
    expect((await admin.patch(`/api/v1/departments/${ids.department('ZJJ')}`, { workChat: 'wecom' })).body.workChat).toBe('wecom');

    const first = await dispatched('ZJJ', '小区电梯困人，物业不处理。');
    const [card] = await eventually(() => {
      const found = sentAbout('wecom', first.number);
      return found.length > 0 && found;
    });
    expect(card!.body).toMatchObject({
      touser: 'zhangwei|zhaoqiang',
      msgtype: 'textcard',
      agentid: 1000002,
      textcard: { title: `工单${first.number}：派单`, url: `${publicUrl}/tickets/${first.id}`, btntxt: '打开工单' },
    });
    const second = await dispatched('ZJJ', '楼顶水箱漏水。');
    await eventually(() => sentAbout('wecom', second.number).length === 1);
    expect(chat.tokens.wecom).toHaveLength(1);

    // The platform says the token expired: a new one, and the notice still goes out once.
    chat.expireTokens();
    const third = await dispatched('ZJJ', '地下车库积水。');
    await eventually(() => sentAbout('wecom', third.number).length === 1);
    expect(chat.tokens.wecom).toHaveLength(2);
  });

  test('when DingTalk fails, then the notice is retried through the outbox and delivered once; a runner’s offer reaches their DingTalk and their phone with the link', async () => {
    await account('cg_agent', 'dingtalk', 'sunli');
    await admin.patch(`/api/v1/departments/${ids.department('CGJ')}`, { workChat: 'dingtalk' });
    chat.fail(1);
    const ticket = await dispatched('CGJ', '夜市占道经营，噪音扰民。');
    const [notice] = await eventually(() => {
      const found = sentAbout('dingtalk', ticket.number);
      return found.length > 0 && found;
    }, 15_000);
    expect(notice!.body).toMatchObject({
      agent_id: 2000003,
      userid_list: 'sunli',
      msg: { msgtype: 'action_card', action_card: { single_url: `${publicUrl}/tickets/${ticket.id}`, single_title: '打开工单' } },
    });
    // The first try met the 500; the outbox tried again, and the row ends sent.
    expect(chat.failed).toBe(1);
    await eventually(
      async () => (await t.hub.db('outbox').where({ ticket_id: ticket.id, channel: 'dingtalk' }).first())?.status === 'sent',
    );
    expect(sentAbout('dingtalk', ticket.number)).toHaveLength(1);

    // 代办: the runner has a phone and a DingTalk account.
    await account('runner', 'dingtalk', 'liuyang');
    expect((await admin.patch(`/api/v1/users/${await userId('runner')}`, { phone: '139 0000 1234' })).body.phone).toBe('+8613900001234');
    expect((await admin.patch(`/api/v1/users/${await userId('runner')}`, { phone: '12345' })).status).toBe(400);
    const proxyTicket = await createTicket(await t.as('proxy'), {
      requestType: 'proxy',
      description: '老人申请代办高龄补贴。',
      regionId: ids.region('990121200201'),
      caller: { phone: '13911115555', name: '吴奶奶' },
      proxy: { matter: '高龄补贴', serviceMode: 'full_proxy', applicantAddress: '西山县石门乡石门村7组' },
    });
    await (await t.as('proxy')).post(`/api/v1/tickets/${proxyTicket.id}/dispatch`, {});
    const order = await eventually(() => t.hub.db('proxy_orders').where({ ticket_id: proxyTicket.id, status: 'offered' }).first());
    const [offer] = await eventually(() => {
      const found = sentAbout('dingtalk', '新代办单');
      return found.length > 0 && found;
    });
    expect(offer!.body).toMatchObject({
      userid_list: 'liuyang',
      msg: { action_card: { single_url: `${publicUrl}/runner/orders/${order.id}` } },
    });
    const text = await eventually(() => sms.sent.find((m) => m.to === '+8613900001234'));
    expect(text.body).toContain(`${publicUrl}/runner/orders/${order.id}`);
    expect(text.body).toContain('分钟内接单');
  });

  test('when the settings are wrong, then 400 or 403 and nothing changes', async () => {
    const zjj = ids.department('ZJJ');
    expect((await admin.patch(`/api/v1/departments/${zjj}`, { workChat: 'feishu' })).status).toBe(400);
    const agentId = await userId('agent');
    const agent = await t.as('agent');
    expect((await agent.patch(`/api/v1/users/${agentId}/work`, { workChat: { platform: 'wecom', userId: 'has space' } })).status).toBe(400);
    expect((await agent.patch(`/api/v1/users/${agentId}/work`, { workChat: { platform: 'qq', userId: 'x' } })).status).toBe(400);
    // Someone else's account is theirs to set (or an admin's), not a colleague's or the head's.
    expect((await (await t.as('head')).patch(`/api/v1/users/${agentId}/work`, { workChat: null })).status).toBe(403);
    expect((await t.hub.db('users').where({ id: agentId }).first()).work_chat).toEqual({ platform: 'wecom', userId: 'zhangwei' });
    expect((await agent.patch(`/api/v1/users/${agentId}/work`, { workChat: null })).body.workChat).toBeNull();
  });
});
