import { useQueryClient } from '@tanstack/react-query';
import { Button, Layout, Menu, Space, Typography } from 'antd';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { api, type Me } from './api/client';
import { useMe } from './session';

const centerRoles = new Set(['operator', 'proxy_seat', 'supervisor', 'director', 'admin']);

/** What the menu offers a role (the API refuses the rest whatever the menu shows). */
function menuOf(me: Me) {
  return [
    ...(me.role === 'operator' || me.role === 'proxy_seat' ? [{ key: '/seat', label: '受理工作台' }] : []),
    ...(centerRoles.has(me.role) ? [{ key: '/tickets?status=triage', label: '待分拨' }] : []),
    { key: '/tickets', label: centerRoles.has(me.role) ? '工单' : '本部门工单' },
  ];
}

/** The frame every role shares: the menu by role, who is signed in, sign-out. */
export function Frame() {
  const { me } = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  if (me === undefined) return null;
  if (me === null) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname)}`} replace />;

  async function signOut() {
    await api.POST('/api/v1/auth/logout');
    queryClient.clear();
    navigate('/login', { replace: true });
  }

  const selected =
    location.pathname === '/tickets' && location.search === '?status=triage'
      ? '/tickets?status=triage'
      : '/' + (location.pathname.split('/')[1] ?? '');
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 24 }}>
        <Typography.Text strong style={{ color: '#fff', fontSize: 16, whiteSpace: 'nowrap' }}>
          12345 热线工作台
        </Typography.Text>
        <Menu
          theme="dark"
          mode="horizontal"
          selectedKeys={[selected]}
          items={menuOf(me)}
          onClick={({ key }) => navigate(key)}
          style={{ flex: 1, minWidth: 0 }}
        />
        <Space>
          <Typography.Text style={{ color: '#fff' }}>
            {me.displayName.includes(me.roleLabel) ? me.displayName : `${me.displayName}（${me.roleLabel}）`}
          </Typography.Text>
          <Button onClick={signOut}>退出登录</Button>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 24 }}>
        <Outlet />
      </Layout.Content>
    </Layout>
  );
}
