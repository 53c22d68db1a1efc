import { kpiGroupings } from '../../src/callback/kpis';
import type { ReportQuery } from '../../src/sla/sla-reports';
import { fillCity } from '../support/big-city';
import { demoIds, startTestHub, type TestHub } from '../support/test-hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
  await fillCity(t.hub.db, { tickets: 4_000, days: 40 });
});
afterAll(() => t.close());

describe('the KPI report over rolled-up days', () => {
  test('when finished days are rolled up, then every report (each grouping, a department’s, a partial first day) is what the live tables give', async () => {
    const kpis = t.hub.services.kpis;
    const now = new Date();
    // From mid-morning 12 days ago (a partial day, read live) to now (today, read live).
    const from = new Date(now.getTime() - 12 * 86_400_000 - 5 * 3_600_000);
    const department = (await demoIds(t.hub)).department('ZJJ');
    const queries = kpiGroupings.flatMap((groupBy) => [
      { groupBy, from, to: now },
      { groupBy, from, to: now, departmentId: department },
    ]);
    const live = await Promise.all(queries.map((q) => kpis.report(q)));
    expect(live.find((rows) => rows.length > 0 && rows.some((r) => r.surveys.answered > 0))).toBeDefined();

    expect(await kpis.rollUpDue(now, 60)).toBeGreaterThanOrEqual(13);
    expect(await kpis.rollUpDue(now)).toBe(0); // within the hour, nothing again
    const rolled = await Promise.all(queries.map((q) => kpis.report(q)));
    for (let i = 0; i < queries.length; i++) expect({ query: queries[i], rows: rolled[i] }).toEqual({ query: queries[i], rows: live[i] });
  });

  test('a rolled-up day is read from the rollup until it is rolled up again', async () => {
    const kpis = t.hub.services.kpis;
    const day = new Date(Date.now() - 5 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    const from = new Date(`${day}T00:00:00+08:00`);
    const to = new Date(from.getTime() + 86_400_000);
    const before = await kpis.report({ groupBy: 'channel', from, to });
    const answered = (rows: typeof before) => rows.reduce((n, r) => n + r.surveys.answered, 0);
    expect(answered(before)).toBeGreaterThan(0);
    // A survey of that day re-dated to another: the rollup does not see it until the day is rolled up again.
    await t.hub.db.raw(
      `update callbacks set completed_at = completed_at - interval '3 days'
        where id = (select id from callbacks where status = 'completed' and completed_at >= ? and completed_at < ? limit 1)`,
      [from, to],
    );
    expect(answered(await kpis.report({ groupBy: 'channel', from, to }))).toBe(answered(before));
    await kpis.rollUp(day);
    expect(answered(await kpis.report({ groupBy: 'channel', from, to }))).toBe(answered(before) - 1);
  });
});

describe('the SLA report over rolled-up days', () => {
  test('when finished days are rolled up, then both groupings, a department’s report and a partial first day are what the live tables give', async () => {
    const reports = t.hub.services.slaReports;
    const now = new Date();
    const from = new Date(now.getTime() - 30 * 86_400_000 - 7 * 3_600_000);
    const department = (await demoIds(t.hub)).department('ZJJ');
    const queries: ReportQuery[] = (['department', 'category'] as const).flatMap((groupBy) => [
      { groupBy, from, to: now },
      { groupBy, from, to: now, departmentId: department },
    ]);
    const live = await Promise.all(queries.map((q) => reports.report(q)));
    const all = live[0]!;
    // The generated city has late clocks, breaches, extensions and closed tickets to count.
    expect(all.reduce((n, r) => n + r.breaches, 0)).toBeGreaterThan(0);
    expect(all.reduce((n, r) => n + r.extensions, 0)).toBeGreaterThan(0);
    expect(all.reduce((n, r) => n + r.closed, 0)).toBeGreaterThan(0);
    expect(all.some((r) => r.stages.sign_for.onTime < r.stages.sign_for.total)).toBe(true);

    expect(await reports.rollUpDue(now, 60)).toBeGreaterThanOrEqual(30);
    expect(await reports.rollUpDue(now)).toBe(0); // within the hour, nothing again
    const rolled = await Promise.all(queries.map((q) => reports.report(q)));
    for (let i = 0; i < queries.length; i++) expect({ query: queries[i], rows: rolled[i] }).toEqual({ query: queries[i], rows: live[i] });
  });

  test('a rolled-up day is read from the rollup until it is rolled up again', async () => {
    const reports = t.hub.services.slaReports;
    const day = new Date(Date.now() - 20 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    const from = new Date(`${day}T00:00:00+08:00`);
    const to = new Date(from.getTime() + 86_400_000);
    await reports.rollUp(day);
    const closed = async () => (await reports.report({ groupBy: 'department', from, to })).reduce((n, r) => n + r.closed, 0);
    const before = await closed();
    expect(before).toBeGreaterThan(0);
    await t.hub.db.raw(
      `update tickets set closed_at = closed_at - interval '3 days'
        where id = (select id from tickets where status = 'closed' and closed_at >= ? and closed_at < ? limit 1)`,
      [from, to],
    );
    expect(await closed()).toBe(before);
    await reports.rollUp(day);
    expect(await closed()).toBe(before - 1);
  });
});
