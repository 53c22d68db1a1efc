import { Layout, Menu } from 'antd';
import { Outlet, useLocation, useNavigate } from 'react-router';

/** The administrator's pages: the dispatch rules first (the most changed), then the city's set-up, then the running. */
export const adminPages = [
  { key: 'catalog', label: '派单目录' },
  { key: 'taxonomy', label: '分类' },
  { key: 'regions', label: '区域与网格' },
  { key: 'departments', label: '部门' },
  { key: 'users', label: '用户' },
  { key: 'calendar', label: '工作日历' },
  { key: 'policies', label: '时限与预警' },
  { key: 'callbacks', label: '回访设置' },
  { key: 'proxy', label: '帮办代办' },
  { key: 'outbox', label: '发送失败' },
  { key: 'integrations', label: '接口与模型' },
  { key: 'audit', label: '审计日志' },
] as const;

/** 系统管理: a side menu of the settings pages (ant-design-pro's layout), each page its own URL. */
export function Admin() {
  const location = useLocation();
  const navigate = useNavigate();
  const current = location.pathname.split('/')[2] ?? 'catalog';
  return (
    <Layout style={{ background: 'transparent', gap: 16 }}>
      <Layout.Sider width={168} theme="light" style={{ background: 'transparent' }} breakpoint="lg" collapsedWidth={0}>
        <nav aria-label="系统管理">
          <Menu
            mode="inline"
            selectedKeys={[current]}
            items={adminPages.map((p) => ({ key: p.key, label: p.label }))}
            onClick={({ key }) => navigate(`/admin/${key}`)}
            style={{ borderInlineEnd: 'none', borderRadius: 8 }}
          />
        </nav>
      </Layout.Sider>
      <div style={{ flex: 1, minWidth: 0 }}>
        <Outlet />
      </div>
    </Layout>
  );
}
