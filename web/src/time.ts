import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

/** The hotline's clock: deadlines, working days and shifts are Beijing time, wherever the browser is. */
export const hotlineZone = 'Asia/Shanghai';

/** An instant (or now) in Beijing time. */
export const beijing = (at?: string | Date | Dayjs | null): Dayjs => dayjs(at ?? undefined).tz(hotlineZone);

/** A calendar day picked in the console (a date picker's value) as the instant its Beijing day starts. */
export const beijingDayStart = (day: Dayjs): Dayjs => dayjs.tz(day.format('YYYY-MM-DD'), hotlineZone);

/** An instant as lists show it: month-day hours:minutes, Beijing time; — when there is none. */
export const shortTime = (at: string | Date | null | undefined): string => (at ? beijing(at).format('MM-DD HH:mm') : '—');
