import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { Frame } from './Frame';
import { Seat } from './pages/Seat';
import { SignIn } from './pages/SignIn';
import { startPage, useMe } from './session';

dayjs.locale('zh-cn');
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
// The seat (where a call starts) is in the first bundle; the other pages load when first opened.
const Queues = lazy(() => import('./pages/queues/Queues').then((m) => ({ default: m.Queues })));
const Tickets = lazy(() => import('./pages/Tickets').then((m) => ({ default: m.Tickets })));
const Workbench = lazy(() => import('./pages/Workbench').then((m) => ({ default: m.Workbench })));
const Board = lazy(() => import('./pages/board/Board').then((m) => ({ default: m.Board })));
const Alerts = lazy(() => import('./pages/board/Alerts').then((m) => ({ default: m.Alerts })));
const Hotspots = lazy(() => import('./pages/board/Hotspots').then((m) => ({ default: m.Hotspots })));
const Reports = lazy(() => import('./pages/board/Reports').then((m) => ({ default: m.Reports })));
const Bulletin = lazy(() => import('./pages/board/Bulletin').then((m) => ({ default: m.Bulletin })));
const Runner = lazy(() => import('./pages/runner/Runner').then((m) => ({ default: m.Runner })));
const Appointments = lazy(() => import('./pages/appointments/Appointments').then((m) => ({ default: m.Appointments })));
const Proactive = lazy(() => import('./pages/proactive/Proactive').then((m) => ({ default: m.Proactive })));
const Projects = lazy(() => import('./pages/projects/Projects').then((m) => ({ default: m.Projects })));
const ProjectPage = lazy(() => import('./pages/projects/Project').then((m) => ({ default: m.ProjectPage })));
const Postal = lazy(() => import('./pages/postal/Postal').then((m) => ({ default: m.Postal })));
const SettlementPage = lazy(() => import('./pages/postal/Settlements').then((m) => ({ default: m.SettlementPage })));
const RunnerOrder = lazy(() => import('./pages/runner/RunnerOrder').then((m) => ({ default: m.RunnerOrder })));
const admin = () => import('./pages/admin/pages');
type AdminPage = Exclude<keyof Awaited<ReturnType<typeof admin>>, 'Admin'>;
const adminPage = (name: AdminPage) => lazy(() => admin().then((m) => ({ default: m[name] })));
const Admin = lazy(() => admin().then((m) => ({ default: m.Admin })));
/** 系统管理's pages by their path under /admin (one chunk for all of them). */
const adminRoutes = {
  catalog: adminPage('Catalog'),
  taxonomy: adminPage('Taxonomy'),
  regions: adminPage('Regions'),
  departments: adminPage('Departments'),
  users: adminPage('Users'),
  calendar: adminPage('WorkCalendar'),
  policies: adminPage('Policies'),
  callbacks: adminPage('CallbackSettings'),
  proxy: adminPage('Proxy'),
  outbox: adminPage('Outbox'),
  integrations: adminPage('Integrations'),
  audit: adminPage('AuditLog'),
};
const HardCases = lazy(() => import('./pages/hardcases/HardCases').then((m) => ({ default: m.HardCases })));
const Knowledge = lazy(() => import('./pages/knowledge/Knowledge').then((m) => ({ default: m.Knowledge })));
const Ticket = lazy(() => import('./pages/Ticket').then((m) => ({ default: m.Ticket })));
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });

function Home() {
  const { me } = useMe();
  if (me === undefined) return null;
  return <Navigate to={me ? startPage(me) : '/login'} replace />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* A darker blue and darker secondary text than antd's defaults: they meet WCAG AA contrast (axe checks it).
        No space inserted between two characters of a button (签收, not 签 收): its name is what users and tests read. */}
    <ConfigProvider
      locale={zhCN}
      button={{ autoInsertSpace: false }}
      theme={{
        token: {
          // Who asked their system for reduced motion gets none (WCAG 2.3.3): menus, dialogs and messages appear at once.
          motion: !reducedMotion,
          colorPrimary: '#0958d9',
          colorLink: '#0958d9',
          // A link under the pointer (or just clicked) stays dark enough to read.
          colorLinkHover: '#1d5fcf',
          // Hovered (or last tapped, on a phone) primary buttons stay dark enough for white text.
          colorPrimaryHover: '#1d5fcf',
          colorTextDescription: 'rgba(0, 0, 0, 0.65)',
          colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
          colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
          // A danger link (删除) on white meets AA too.
          colorError: '#cf1322',
        },
        // A selected row under the pointer stays light enough for its links (the head's multi-select).
        components: { Table: { rowSelectedBg: '#e6f4ff', rowSelectedHoverBg: '#d6ebff' } },
      }}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <Routes>
              <Route path="/login" element={<SignIn />} />
              <Route element={<Frame />}>
                <Route path="/" element={<Home />} />
                <Route path="/seat" element={<Seat />} />
                <Route path="/queues" element={<Queues />} />
                <Route path="/workbench" element={<Workbench />} />
                <Route path="/runner" element={<Runner />} />
                <Route path="/board" element={<Board />} />
                <Route path="/alerts" element={<Alerts />} />
                <Route path="/hotspots" element={<Hotspots />} />
                <Route path="/hotspots/:id" element={<Hotspots />} />
                <Route path="/reports" element={<Reports />} />
                <Route path="/hard-cases" element={<HardCases />} />
                <Route path="/proactive" element={<Proactive />} />
                <Route path="/appointments" element={<Appointments />} />
                <Route path="/projects" element={<Projects />} />
                <Route path="/projects/:id" element={<ProjectPage />} />
                <Route path="/postal" element={<Postal />} />
                <Route path="/postal/settlements/:id" element={<SettlementPage />} />
                <Route path="/reports/bulletin" element={<Bulletin />} />
                <Route path="/runner/orders/:id" element={<RunnerOrder />} />
                <Route path="/tickets" element={<Tickets />} />
                <Route path="/tickets/:id" element={<Ticket />} />
                <Route path="/knowledge" element={<Knowledge />} />
                <Route path="/admin" element={<Admin />}>
                  <Route index element={<Navigate to="catalog" replace />} />
                  {Object.entries(adminRoutes).map(([path, Page]) => (
                    <Route key={path} path={path} element={<Page />} />
                  ))}
                </Route>
              </Route>
            </Routes>
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
