import { useQueryClient } from '@tanstack/react-query';
import { Badge, Button, ConfigProvider, Grid, Layout, Menu, Space, Spin, Typography } from 'antd';
import { Suspense, useState } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { api, type Me } from './api/client';
import { Bell } from './frame/Bell';
import { CallPopup } from './frame/CallPopup';
import { DutySwitch } from './frame/DutySwitch';
import { useLive, type CallOffer } from './live';
import { useGrids } from './pages/postal/grids';
import { useMe } from './session';
import { isCenterRole } from '../../src/shared/roles';

const seatRoles = new Set(['operator', 'proxy_seat']);
/** Tighter items than antd's: an admin's eight pages fit a 1280-pixel screen without an overflow menu (one object: no re-theming per render). */
const menuTheme = { components: { Menu: { itemPaddingInline: 12 } } };

/** Pages without a menu item of their own, by the item they belong under. */
const sectionOf: Record<string, string> = { '/hotspots': '/alerts' };

/**
 * What the menu offers a role (the API refuses the rest whatever the menu shows). A runner sees 政邮商 only as a
 * courier, with a grid of their own (`courier`).
 */
function menuOf(me: Me, courier: boolean) {
  const chief = me.role === 'supervisor' || me.role === 'director' || me.role === 'admin';
  // 帮办代办's pages: the chiefs' menu is full, so theirs are grouped under one item.
  const proxyPages = [
    ...(['proxy_seat', 'supervisor', 'director', 'admin'].includes(me.role) ? [{ key: '/proactive', label: '主动代办' }] : []),
    ...(['operator', 'proxy_seat', 'agent', 'dept_head', 'supervisor', 'director'].includes(me.role)
      ? [{ key: '/appointments', label: '预约' }]
      : []),
    ...(['agent', 'dept_head', 'supervisor', 'director', 'admin'].includes(me.role) ? [{ key: '/projects', label: '项目帮办' }] : []),
    ...((me.role === 'runner' && courier) || chief ? [{ key: '/postal', label: '政邮商' }] : []),
  ];
  return [
    ...(me.role === 'agent' || me.role === 'dept_head' ? [{ key: '/workbench', label: '承办工作台' }] : []),
    ...(seatRoles.has(me.role) ? [{ key: '/seat', label: '受理工作台' }] : []),
    ...(me.role === 'runner' ? [{ key: '/runner', label: '我的代办' }] : []),
    ...(chief
      ? [
          { key: '/board', label: '督办大屏' },
          { key: '/alerts', label: '告警中心' },
          { key: '/reports', label: '统计报表' },
        ]
      : []),
    ...(isCenterRole(me.role) && me.role !== 'director' ? [{ key: '/queues', label: '待办队列' }] : []),
    ...(isCenterRole(me.role) ? [{ key: '/tickets?status=triage', label: '待分拨' }] : []),
    ...(isCenterRole(me.role) || me.role === 'county_leader' ? [{ key: '/hard-cases', label: '办不成事' }] : []),
    // The admin reaches them from 系统管理 › 帮办代办 (their menu is full).
    ...(me.role === 'admin' ? [] : chief ? [{ key: proxyGroup, label: '帮办代办', children: proxyPages }] : proxyPages),
    ...(me.role === 'county_leader' ? [] : [{ key: '/tickets', label: isCenterRole(me.role) ? '工单' : '本部门工单' }]),
    ...(me.role !== 'runner' ? [{ key: '/knowledge', label: '知识库' }] : []),
    ...(me.role === 'admin' ? [{ key: '/admin', label: '系统管理' }] : []),
  ];
}
const proxyGroup = 'proxy-pages';

/** The frame every role shares: the menu by role, live updates, the bell, who is signed in, sign-out; for seats, on duty and the call pop-up. */
export function Frame() {
  const { me } = useMe();
  const location = useLocation();
  if (me === undefined) return null;
  if (me === null) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <SignedIn me={me} />;
}

function SignedIn({ me }: { me: Me }) {
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [call, setCall] = useState<CallOffer>();
  const live = useLive(setCall);
  const courier = (useGrids(me.role === 'runner').data?.length ?? 0) > 0;
  // A phone (a runner's): the short title, no name, tighter padding; the menu folds into its overflow.
  const wide = Grid.useBreakpoint().md !== false;

  async function signOut() {
    await api.POST('/api/v1/auth/logout');
    queryClient.clear();
    navigate('/login', { replace: true });
  }

  const selected =
    location.pathname === '/tickets' && location.search === '?status=triage'
      ? '/tickets?status=triage'
      : (sectionOf['/' + (location.pathname.split('/')[1] ?? '')] ?? '/' + (location.pathname.split('/')[1] ?? ''));
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: wide ? 16 : 8, paddingInline: wide ? 24 : 12 }}>
        <Typography.Text strong style={{ color: '#fff', fontSize: 16, whiteSpace: 'nowrap' }}>
          {wide ? '12345 热线工作台' : '12345'}
        </Typography.Text>
        <ConfigProvider theme={menuTheme}>
          <Menu
            theme="dark"
            mode="horizontal"
            selectedKeys={[selected]}
            items={menuOf(me, courier)}
            triggerSubMenuAction="click"
            onClick={({ key }) => navigate(key)}
            style={{ flex: 1, minWidth: 0 }}
          />
        </ConfigProvider>
        <Space size={wide ? 'middle' : 'small'}>
          <Badge
            status={live === 'live' ? 'success' : live === 'connecting' ? 'processing' : 'error'}
            text={<span style={{ color: '#fff' }}>{live === 'live' ? '实时' : live === 'connecting' ? '连接中' : '离线'}</span>}
            aria-label={`实时更新：${live === 'live' ? '已连接' : '未连接'}`}
            data-live={live}
          />
          {seatRoles.has(me.role) && <DutySwitch me={me} />}
          <Bell />
          {wide && (
            <Typography.Text style={{ color: '#fff' }}>
              {me.displayName.includes('（') ? me.displayName : `${me.displayName}（${me.roleLabel}）`}
            </Typography.Text>
          )}
          <Button onClick={signOut} size={wide ? 'middle' : 'small'}>
            {wide ? '退出登录' : '退出'}
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: wide ? 24 : 8 }}>
        <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>
          <Outlet />
        </Suspense>
        <CallPopup call={call} onClose={() => setCall(undefined)} />
      </Layout.Content>
    </Layout>
  );
}
