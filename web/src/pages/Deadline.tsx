import { useEffect, useState } from 'react';
import { stageLabels } from '../labels';
import { beijing } from '../time';

/** One clock for every countdown on the page: it ticks each half minute. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function span(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 60) return `${minutes}分钟`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}小时${minutes % 60 ? `${minutes % 60}分` : ''}`;
  return `${Math.floor(hours / 24)}天${hours % 24 ? `${hours % 24}小时` : ''}`;
}

/** Text and background of a state, dark enough on its tint for WCAG AA (axe checks it). */
const tones = {
  red: { color: '#a8071a', background: '#fff1f0', borderColor: '#ffa39e' },
  orange: { color: '#873800', background: '#fff7e6', borderColor: '#ffd591' },
  green: { color: '#135200', background: '#f6ffed', borderColor: '#b7eb8f' },
  default: { color: 'rgba(0, 0, 0, 0.88)', background: '#fafafa', borderColor: '#d9d9d9' },
} as const;

/**
 * A small label in a table cell: a plain span, not antd's Tag, so that a page of fifty rows renders
 * within the list's budget (a Tag is a component with its own style hooks).
 */
export function Pill({ tone = 'default', title, children }: { tone?: keyof typeof tones; title?: string; children: React.ReactNode }) {
  return (
    <span
      title={title}
      style={{
        ...tones[tone],
        border: '1px solid',
        borderRadius: 4,
        padding: '0 7px',
        fontSize: 12,
        lineHeight: '20px',
        whiteSpace: 'nowrap',
      }}
    >
      {children}
    </span>
  );
}

/** Within this, a deadline shows as near (orange); past it, the API's overdue (red) decides. */
const nearMs = 4 * 3_600_000;

/** The nearest running deadline as a countdown: red when the API says overdue, orange when it is near, paused when the clocks wait. */
/** A deadline that is not a stage clock's (an offer's, an order's, 退单's window), as Deadline takes it. */
export const plainDue = (at: string | null) => (at ? { at, stage: null, provisional: false } : null);

export function Deadline({
  due,
  overdue,
  paused,
  now,
}: {
  due: { at: string; stage: string | null; provisional: boolean } | null;
  overdue: boolean;
  paused: boolean;
  now: number;
}) {
  if (!due) return <span>—</span>;
  const left = new Date(due.at).getTime() - now;
  const stage = due.stage ? (stageLabels[due.stage as keyof typeof stageLabels] ?? due.stage) : '';
  const text = paused ? '暂停计时' : overdue || left < 0 ? `超时 ${span(left)}` : `剩余 ${span(left)}`;
  const tone = paused ? 'default' : overdue || left < 0 ? 'red' : left < nearMs ? 'orange' : 'green';
  return (
    <Pill
      tone={tone}
      title={`${stage}时限 ${beijing(due.at).format('YYYY-MM-DD HH:mm')}${due.provisional ? '（节假日安排未导入，可能调整）' : ''}`}
    >
      {stage} {text}
    </Pill>
  );
}
