/**
 * npm run bench:sla — the SLA figures of issue 6. So far: addWorkingTime calls per second on one
 * core (target ≥ 1,000,000), over a mix of units and amounts typical of 12345 limits, on the
 * standard week (09:00–12:00, 13:30–17:30) with the official holidays and 调休 days.
 * The sweep over 1,000,000 open tickets and deadline scheduling come with the stage clocks.
 */
import { addWorkingTime, compileCalendar, standardWeek, type LimitUnit } from '../src/sla/working-calendar';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 3;
let started = process.hrtime.bigint();
const calendar = compileCalendar({ weekHours: standardWeek });
const compileMs = Number(process.hrtime.bigint() - started) / 1e6;

// Starts spread over 2026 (国庆 and 春节 included); limits: 1 h emergency, 2/24 working hours, 1/7/15 working days.
const limits: Array<[number, LimitUnit]> = [[1, 'natural_hours'], [2, 'working_hours'], [24, 'working_hours'], [1, 'working_days'], [7, 'working_days'], [15, 'working_days']];
const starts = Array.from({ length: 4_096 }, (_, i) => new Date(Date.parse('2026-01-01T00:00:00Z') + ((i * 7_919_993) % (365 * 86_400)) * 1000));

let checksum = 0;
for (let i = 0; i < 200_000; i++) checksum += addWorkingTime(starts[i & 4095]!, ...limits[i % limits.length]!, calendar).getTime() % 7;
let calls = 0;
started = process.hrtime.bigint();
const until = started + BigInt(seconds * 1e9);
while (process.hrtime.bigint() < until) {
  for (let i = 0; i < 10_000; i++) {
    const [amount, unit] = limits[(calls + i) % limits.length]!;
    checksum += addWorkingTime(starts[(calls + i) & 4095]!, amount, unit, calendar).getTime() % 7;
  }
  calls += 10_000;
}
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
console.log(`calendar compiled in ${compileMs.toFixed(1)} ms (official days ${2004}–${2040} tabulated)`);
console.log(`addWorkingTime: ${calls} calls in ${elapsed.toFixed(2)} s on one core → ${Math.round(calls / elapsed).toLocaleString('en-US')} calls/s (${((elapsed / calls) * 1e9).toFixed(0)} ns each; checksum ${checksum})`);
