const shanghai = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** A moment as staff read it: Beijing time, e.g. 2026/11/22 14:05. */
export function shanghaiTime(at: Date): string {
  return shanghai.format(at);
}

/** The calendar day in Asia/Shanghai, YYYY-MM-DD (UTC+8 all year). */
export function shanghaiDay(at: Date = new Date()): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
