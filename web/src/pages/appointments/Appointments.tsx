import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, DatePicker, Form, Input, InputNumber, Modal, Radio, Select, Space, Table, Tabs, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorText, type Me } from '../../api/client';
import { optionsOf } from '../../labels';
import { useMe } from '../../session';
import { beijing, shortTime } from '../../time';
import { specialModeLabels } from '../../../../src/tickets/hard-case-labels';
import { Pill } from '../Deadline';
import { useDepartments } from '../reference';
import { useMatters } from '../ProxyMatter';

type Slot = NonNullable<Awaited<ReturnType<typeof fetchSlots>>>[number];
type Appointment = NonNullable<Awaited<ReturnType<typeof fetchAppointments>>>[number];
type Mode = keyof typeof specialModeLabels;

const fetchSlots = async (from: string, to: string) =>
  (await api.GET('/api/v1/appointment-slots', { params: { query: { from, to } } })).data?.items;
const fetchAppointments = async (from: string, to: string) =>
  (await api.GET('/api/v1/appointments', { params: { query: { from, to } } })).data?.items;

const seats = new Set(['operator', 'proxy_seat', 'supervisor', 'admin']);
const openers = new Set(['admin', 'supervisor', 'dept_head']);
const statusLabels = { booked: '已预约', kept: '已办理', missed: '未到', cancelled: '已取消' } as const;
const statusTones = { booked: 'orange', kept: 'green', missed: 'red', cancelled: 'default' } as const;
const slotText = (s: { startsAt: string; endsAt: string }) => `${shortTime(s.startsAt)}–${beijing(s.endsAt).format('HH:mm')}`;

/**
 * 预约服务 (特殊办): the slots windows and runner teams open — early, late, at home, on holidays — with how full
 * each is; the seat books one for a caller; those who serve record each appointment kept or missed.
 */
export function Appointments() {
  const { me } = useMe();
  const [week, setWeek] = useState<Dayjs>(beijing());
  if (!me) return null;
  const from = week.startOf('week').format('YYYY-MM-DD');
  const to = week.endOf('week').format('YYYY-MM-DD');
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          预约服务（特殊办）
        </Typography.Title>
      }
      extra={<DatePicker picker="week" value={week} onChange={(w) => w && setWeek(w)} allowClear={false} aria-label="周" />}
    >
      <Tabs
        items={[
          { key: 'slots', label: '预约时段', children: <Slots me={me} from={from} to={to} /> },
          { key: 'bookings', label: '预约名单', children: <Bookings me={me} from={from} to={to} /> },
        ]}
      />
    </Card>
  );
}

function Slots({ me, from, to }: { me: Me; from: string; to: string }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [opening, setOpening] = useState(false);
  const [booking, setBooking] = useState<Slot>();
  const { data } = useQuery({ queryKey: ['appointments', 'slots', from], queryFn: () => fetchSlots(from, to) });
  const book = useMutation({
    mutationFn: async (body: { slotId: number; phone: string; address?: string }) => {
      const { data, error } = await api.POST('/api/v1/appointments', { body });
      if (!data) throw new Error(errorText(error));
      return data;
    },
    onSuccess: (a) => {
      setBooking(undefined);
      void message.success(`已预约 ${slotText(a)} ${specialModeLabels[a.mode]}，已短信告知市民`);
      void queryClient.invalidateQueries({ queryKey: ['appointments'] });
    },
    onError: (error: Error) => void message.error(error.message),
  });
  const now = beijing();
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {openers.has(me.role) && (
        <Button type="primary" onClick={() => setOpening(true)}>
          开放时段
        </Button>
      )}
      <Table
        rowKey="id"
        size="small"
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        loading={data === undefined}
        dataSource={data ?? []}
        locale={{ emptyText: '本周没有预约时段' }}
        columns={[
          { title: '时间', key: 'time', width: 150, render: (_: unknown, s) => slotText(s) },
          { title: '方式', dataIndex: 'mode', width: 100, render: (m: Mode) => <Pill tone="orange">{specialModeLabels[m]}</Pill> },
          { title: '窗口 / 跑团', dataIndex: 'departmentName' },
          { title: '事项', dataIndex: 'matterName', render: (n: string | null) => n ?? '不限' },
          { title: '已约 / 名额', key: 'fill', width: 100, render: (_: unknown, s) => `${s.booked} / ${s.capacity}` },
          ...(seats.has(me.role)
            ? [
                {
                  title: '操作',
                  key: 'book',
                  width: 90,
                  render: (_: unknown, s: Slot) =>
                    s.booked < s.capacity && beijing(s.startsAt).isAfter(now) ? (
                      <Button size="small" onClick={() => setBooking(s)} aria-label={`预约 ${slotText(s)} ${s.departmentName}`}>
                        预约
                      </Button>
                    ) : (
                      <Typography.Text type="secondary">{s.booked >= s.capacity ? '已约满' : '已过'}</Typography.Text>
                    ),
                },
              ]
            : []),
        ]}
      />
      <OpenSlot me={me} open={opening} onClose={() => setOpening(false)} />
      <Modal
        open={booking !== undefined}
        title={`预约：${booking ? `${slotText(booking)} ${specialModeLabels[booking.mode]}` : ''}`}
        footer={null}
        onCancel={() => setBooking(undefined)}
        destroyOnHidden
      >
        {booking && (
          <Form layout="vertical" onFinish={(v: { phone: string; address?: string }) => book.mutate({ slotId: booking.id, ...v })}>
            <Form.Item label="市民手机号" name="phone" rules={[{ required: true, message: '请填写手机号' }]}>
              <Input maxLength={20} />
            </Form.Item>
            {booking.mode === 'home' && (
              <Form.Item label="上门地址" name="address" rules={[{ required: true, message: '上门办理需填写地址' }]}>
                <Input maxLength={200} />
              </Form.Item>
            )}
            <Button type="primary" htmlType="submit" loading={book.isPending}>
              确认预约
            </Button>
          </Form>
        )}
      </Modal>
    </Space>
  );
}

/** 开放时段: a department (a head: their own), a matter or any, the mode, the time, the capacity. */
function OpenSlot({ me, open, onClose }: { me: Me; open: boolean; onClose: () => void }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const departments = useDepartments();
  const { data: matters } = useMatters();
  const save = useMutation({
    mutationFn: async (v: { departmentId: number; matterId?: number; mode: Mode; range: [Dayjs, Dayjs]; capacity: number }) => {
      const { data, error } = await api.POST('/api/v1/appointment-slots', {
        body: {
          departmentId: v.departmentId,
          ...(v.matterId ? { matterId: v.matterId } : {}),
          mode: v.mode,
          startsAt: v.range[0].toISOString(),
          endsAt: v.range[1].toISOString(),
          capacity: v.capacity,
        },
      });
      if (!data) throw new Error(errorText(error));
      return data;
    },
    onSuccess: () => {
      onClose();
      void message.success('时段已开放');
      void queryClient.invalidateQueries({ queryKey: ['appointments'] });
    },
    onError: (error: Error) => void message.error(error.message),
  });
  return (
    <Modal open={open} title="开放预约时段" footer={null} onCancel={onClose} destroyOnHidden>
      <Form
        layout="vertical"
        initialValues={{ departmentId: me.role === 'dept_head' ? (me.departmentId ?? undefined) : undefined, capacity: 5, mode: 'late' }}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item label="窗口 / 跑团" name="departmentId" rules={[{ required: true, message: '请选择部门' }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            options={departments.options}
            disabled={me.role === 'dept_head'}
            aria-label="窗口 / 跑团"
          />
        </Form.Item>
        <Form.Item label="事项（不选则不限）" name="matterId">
          <Select allowClear options={(matters ?? []).map((m) => ({ value: m.id, label: m.name }))} aria-label="事项" />
        </Form.Item>
        <Form.Item label="方式" name="mode" rules={[{ required: true }]}>
          <Radio.Group options={optionsOf(specialModeLabels)} />
        </Form.Item>
        <Form.Item label="时间" name="range" rules={[{ required: true, message: '请选择时间' }]}>
          <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" aria-label="时间" />
        </Form.Item>
        <Form.Item label="名额" name="capacity" rules={[{ required: true }]}>
          <InputNumber min={1} max={200} aria-label="名额" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          开放
        </Button>
      </Form>
    </Modal>
  );
}

/** 预约名单: the week's appointments; those who serve record each kept or missed; the seats cancel. */
function Bookings({ me, from, to }: { me: Me; from: string; to: string }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const { data } = useQuery({ queryKey: ['appointments', 'list', from], queryFn: () => fetchAppointments(from, to) });
  const record = useMutation({
    mutationFn: async ({ id, outcome }: { id: number; outcome: 'kept' | 'missed' | 'cancel' }) => {
      const path = { params: { path: { id } }, body: {} };
      const { data, error } =
        outcome === 'kept'
          ? await api.POST('/api/v1/appointments/{id}/kept', path)
          : outcome === 'missed'
            ? await api.POST('/api/v1/appointments/{id}/missed', path)
            : await api.POST('/api/v1/appointments/{id}/cancel', path);
      if (!data) throw new Error(errorText(error));
      return data;
    },
    onSuccess: (a) => {
      void message.success(`${a.name ?? '市民'}：${statusLabels[a.status]}`);
      void queryClient.invalidateQueries({ queryKey: ['appointments'] });
    },
    onError: (error: Error) => void message.error(error.message),
  });
  const now = beijing();
  return (
    <Table
      rowKey="id"
      size="small"
      pagination={{ pageSize: 50, hideOnSinglePage: true }}
      loading={data === undefined}
      dataSource={data ?? []}
      locale={{ emptyText: '本周没有预约' }}
      columns={[
        { title: '时间', key: 'time', width: 150, render: (_: unknown, a: Appointment) => slotText(a) },
        { title: '方式', dataIndex: 'mode', width: 100, render: (m: Mode) => specialModeLabels[m] },
        { title: '市民', key: 'who', render: (_: unknown, a: Appointment) => `${a.name ?? '（未留姓名）'} ${a.phone ?? ''}` },
        { title: '窗口 / 跑团', dataIndex: 'departmentName' },
        { title: '上门地址', dataIndex: 'address', render: (x: string | null) => x ?? '—' },
        {
          title: '工单',
          dataIndex: 'ticketNumber',
          width: 150,
          render: (n: string | null, a: Appointment) => (n ? <Link to={`/tickets/${a.ticketId}`}>{n}</Link> : '—'),
        },
        {
          title: '状态',
          dataIndex: 'status',
          width: 80,
          render: (s: keyof typeof statusLabels) => <Pill tone={statusTones[s]}>{statusLabels[s]}</Pill>,
        },
        {
          title: '操作',
          key: 'actions',
          width: 200,
          render: (_: unknown, a: Appointment) =>
            a.status === 'booked' && (
              <Space size={4}>
                <Button size="small" onClick={() => record.mutate({ id: a.id, outcome: 'kept' })} aria-label={`${a.name ?? '市民'} 已办理`}>
                  已办理
                </Button>
                {beijing(a.startsAt).isBefore(now) && (
                  <Button
                    size="small"
                    onClick={() => record.mutate({ id: a.id, outcome: 'missed' })}
                    aria-label={`${a.name ?? '市民'} 未到`}
                  >
                    未到
                  </Button>
                )}
                {seats.has(me.role) && (
                  <Button size="small" danger onClick={() => record.mutate({ id: a.id, outcome: 'cancel' })}>
                    取消
                  </Button>
                )}
              </Space>
            ),
        },
      ]}
    />
  );
}
