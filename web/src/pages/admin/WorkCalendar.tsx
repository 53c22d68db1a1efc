import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Modal, Radio, Select, Space, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api, errorText } from '../../api/client';
import type { paths } from '../../api/schema';
import { beijing } from '../../time';

type Day = paths['/api/v1/sla/calendars/{id}/days']['get']['responses'][200]['content']['application/json']['days'][number];
const weekdays = ['日', '一', '二', '三', '四', '五', '六'];
const weekdayOf = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

/** What a day is, in words: the cell's label for screen readers and its tooltip. */
function describe(day: Day): string {
  const weekend = [0, 6].includes(weekdayOf(day.date));
  const what = day.override
    ? day.override.kind === 'holiday'
      ? `本地休息日${day.override.note ? `（${day.override.note}）` : ''}`
      : `本地调休上班${day.override.note ? `（${day.override.note}）` : ''}`
    : day.official === 'holiday'
      ? `${day.name ?? '法定节假日'}放假`
      : day.official === 'workday'
        ? `${day.name ?? ''}调休上班`
        : weekend
          ? '休息日'
          : '工作日';
  const [y, m, d] = day.date.split('-');
  return `${y}年${Number(m)}月${Number(d)}日 星期${weekdays[weekdayOf(day.date)]} ${what}`;
}

function cellStyle(day: Day): React.CSSProperties {
  const weekend = [0, 6].includes(weekdayOf(day.date));
  // A workday white; days off coloured by why.
  const style: React.CSSProperties = {
    width: 32,
    height: 30,
    padding: 0,
    borderRadius: 4,
    fontSize: 12,
    background: '#fff',
    color: 'rgba(0,0,0,0.88)',
  };
  if (!day.work && (day.official === 'holiday' || day.override?.kind === 'holiday'))
    Object.assign(style, { background: '#fff1f0', color: '#a8071a' });
  else if (day.work && weekend) Object.assign(style, { background: '#e6f4ff', color: '#003eb3' });
  else if (!day.work) Object.assign(style, { background: '#f0f0f0', color: 'rgba(0,0,0,0.65)' });
  if (day.override) Object.assign(style, { outline: '2px solid #d46b08', outlineOffset: -2, fontWeight: 600 });
  return style;
}

/**
 * 工作日历: a calendar's year, month by month, with the official holidays, the 调休 workdays and the
 * calendar's own days marked; a click overrides a day (a typhoon day off, a local make-up day), and a
 * year's State Council notice is imported before the package knows it. Running deadlines follow.
 */
export function WorkCalendar() {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [calendarId, setCalendarId] = useState<number>();
  const [year, setYear] = useState(beijing().year());
  const [picked, setPicked] = useState<Day>();
  const [importing, setImporting] = useState(false);
  useEffect(() => {
    document.title = '工作日历 - 12345';
  }, []);
  const { data: calendars } = useQuery({
    queryKey: ['calendars'],
    queryFn: async () => (await api.GET('/api/v1/sla/calendars')).data?.items ?? [],
  });
  const id = calendarId ?? calendars?.find((c) => c.regionId === null)?.id ?? calendars?.[0]?.id;
  const { data } = useQuery({
    queryKey: ['calendar-days', id, year],
    enabled: id !== undefined,
    queryFn: async () => (await api.GET('/api/v1/sla/calendars/{id}/days', { params: { path: { id: id! }, query: { year } } })).data,
  });
  const months = useMemo(() => {
    const byMonth: Day[][] = Array.from({ length: 12 }, () => []);
    for (const day of data?.days ?? []) byMonth[Number(day.date.slice(5, 7)) - 1]!.push(day);
    return byMonth;
  }, [data]);
  const changed = () => {
    void queryClient.invalidateQueries({ queryKey: ['calendar-days'] });
    void queryClient.invalidateQueries({ queryKey: ['calendars'] });
  };

  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          工作日历
        </Typography.Title>
      }
      extra={
        <Space wrap>
          <Select
            aria-label="日历"
            style={{ width: 200 }}
            value={id}
            onChange={setCalendarId}
            options={(calendars ?? []).map((c) => ({ value: c.id, label: c.name }))}
          />
          <Space.Compact>
            <Button onClick={() => setYear(year - 1)} aria-label="上一年">
              ‹
            </Button>
            <Button aria-live="polite" style={{ pointerEvents: 'none' }}>
              {year} 年
            </Button>
            <Button onClick={() => setYear(year + 1)} aria-label="下一年">
              ›
            </Button>
          </Space.Compact>
          <Button onClick={() => setImporting(true)}>导入放假通知</Button>
        </Space>
      }
    >
      {data && !data.noticeKnown && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          message={`${year} 年的国务院放假通知尚未导入：只按法定节假日计算，调休未知，落在 ${year} 年的时限是暂定的。`}
        />
      )}
      <Space wrap size="small" style={{ marginBottom: 16 }}>
        <Tag color="red">法定节假日 / 本地休息日</Tag>
        <Tag color="blue">调休上班</Tag>
        <Tag>周末</Tag>
        <Tag style={{ outline: '2px solid #d46b08', outlineOffset: -2 }}>本日历自定</Tag>
        <Typography.Text type="secondary">点击日期可设为休息日或调休上班。</Typography.Text>
      </Space>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(250px, 1fr))', gap: 16 }}>
        {months.map((days, index) => (
          <section key={index} aria-label={`${year}年${index + 1}月`}>
            <Typography.Title level={2} style={{ fontSize: 14, margin: '0 0 4px' }}>
              {index + 1} 月
            </Typography.Title>
            <div style={{ display: 'grid', gridTemplateColumns: 'repeat(7, 32px)', gap: 2 }}>
              {weekdays.map((w) => (
                <div key={w} aria-hidden style={{ textAlign: 'center', fontSize: 12, color: 'rgba(0,0,0,0.65)' }}>
                  {w}
                </div>
              ))}
              {days.length > 0 && Array.from({ length: weekdayOf(days[0]!.date) }, (_, i) => <div key={`pad${i}`} />)}
              {days.map((day) => (
                <button
                  key={day.date}
                  type="button"
                  aria-label={describe(day)}
                  title={describe(day)}
                  style={{ border: '1px solid #f0f0f0', cursor: 'pointer', ...cellStyle(day) }}
                  onClick={() => setPicked(day)}
                >
                  {Number(day.date.slice(8))}
                </button>
              ))}
            </div>
          </section>
        ))}
      </div>
      {id !== undefined && (
        <DayEditor
          calendarId={id}
          day={picked}
          onClose={() => setPicked(undefined)}
          onDone={(text) => {
            setPicked(undefined);
            void message.success(text);
            changed();
          }}
        />
      )}
      {id !== undefined && (
        <ImportNotice
          calendarId={id}
          open={importing}
          year={year}
          onClose={() => setImporting(false)}
          onDone={() => {
            setImporting(false);
            void message.success('已导入，进行中的时限已按新日历重算');
            changed();
          }}
        />
      )}
    </Card>
  );
}

function DayEditor({
  calendarId,
  day,
  onClose,
  onDone,
}: {
  calendarId: number;
  day: Day | undefined;
  onClose: () => void;
  onDone: (text: string) => void;
}) {
  const [kind, setKind] = useState<'holiday' | 'workday'>('holiday');
  const [note, setNote] = useState('');
  const [refusal, setRefusal] = useState<string>();
  useEffect(() => {
    setRefusal(undefined);
    setKind(day?.override?.kind ?? (day?.work ? 'holiday' : 'workday'));
    setNote(day?.override?.note ?? '');
  }, [day]);
  if (!day) return null;
  async function save() {
    const { error } = await api.PUT('/api/v1/sla/calendars/{id}/overrides/{date}', {
      params: { path: { id: calendarId, date: day!.date } },
      body: { kind, note: note.trim() || null },
    });
    if (error) return setRefusal(errorText(error));
    onDone(`${day!.date} 已设为${kind === 'holiday' ? '休息日' : '调休上班'}，进行中的时限已重算`);
  }
  async function clear() {
    const { error } = await api.DELETE('/api/v1/sla/calendars/{id}/overrides/{date}', {
      params: { path: { id: calendarId, date: day!.date } },
    });
    if (error) return setRefusal(errorText(error));
    onDone(`${day!.date} 已恢复为官方日历`);
  }
  return (
    <Modal
      open
      title={describe(day)}
      onCancel={onClose}
      footer={[
        day.override && (
          <Button key="clear" onClick={clear}>
            恢复官方日历
          </Button>
        ),
        <Button key="cancel" onClick={onClose}>
          取消
        </Button>,
        <Button key="save" type="primary" onClick={save}>
          保存
        </Button>,
      ]}
    >
      {refusal && <Alert type="error" showIcon message={refusal} style={{ marginBottom: 12 }} />}
      <Form layout="vertical">
        <Form.Item label="这一天">
          <Radio.Group value={kind} onChange={(e) => setKind(e.target.value)} optionType="button">
            <Radio value="holiday">休息</Radio>
            <Radio value="workday">上班（调休）</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item label="说明">
          <Input
            value={note}
            onChange={(e) => setNote(e.target.value)}
            maxLength={200}
            placeholder="如：台风停工、本地调休"
            aria-label="说明"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

const daysIn = (text: string) => text.split(/[\s,，、]+/).filter(Boolean);

/** A year's State Council notice, day by day: it replaces that year's overrides. */
function ImportNotice({
  calendarId,
  open,
  year,
  onClose,
  onDone,
}: {
  calendarId: number;
  open: boolean;
  year: number;
  onClose: () => void;
  onDone: () => void;
}) {
  const [form] = Form.useForm<{ year: number; holidays: string; workdays: string; note?: string }>();
  const [refusal, setRefusal] = useState<string>();
  useEffect(() => {
    if (open) {
      form.setFieldsValue({ year, holidays: '', workdays: '', note: `国务院办公厅关于${year}年部分节假日安排的通知` });
      setRefusal(undefined);
    }
  }, [open, year, form]);
  async function submit(values: { year: number; holidays: string; workdays: string; note?: string }) {
    const { error } = await api.POST('/api/v1/sla/calendars/{id}/import', {
      params: { path: { id: calendarId } },
      body: {
        year: Number(values.year),
        holidays: daysIn(values.holidays),
        workdays: daysIn(values.workdays),
        note: values.note?.trim() || null,
      },
    });
    if (error) return setRefusal(errorText(error));
    onDone();
  }
  return (
    <Modal open={open} title="导入放假通知" onCancel={onClose} onOk={() => form.submit()} okText="导入" cancelText="取消" destroyOnHidden>
      <Typography.Paragraph type="secondary">
        逐日填写通知中的放假日期和调休上班日期（YYYY-MM-DD，每行一个或用逗号分隔）。导入会替换该年已有的自定日期。
      </Typography.Paragraph>
      {refusal && <Alert type="error" showIcon message={refusal} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="year" label="年份" rules={[{ required: true }]}>
          <Input inputMode="numeric" />
        </Form.Item>
        <Form.Item name="holidays" label="放假日期">
          <Input.TextArea rows={4} />
        </Form.Item>
        <Form.Item name="workdays" label="调休上班日期">
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item name="note" label="通知名称">
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}
