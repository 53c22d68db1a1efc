import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../db/db';
import type { JobQueue } from '../jobs/queue';
import { countByStatus } from '../tickets/tickets.repository';
import { ticketStatuses } from '../tickets/ticket.types';
import type { KpiService } from '../callback/kpis';
import type { SignInGuard } from '../auth/sign-in-guard';

/** One registry per hub, so several hubs in one test process do not share counters. */
export function createMetrics(db: Db, queue: JobQueue, kpis: KpiService, signIn: SignInGuard) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  // Counted by the guard; read at each scrape (counters only grow, so set = the running total).
  new Counter({
    name: 'hotline_sign_in_failures_total',
    help: 'Password sign-ins refused by this process: wrong credentials, or refused by the guard (locked pair, paced account, address over its daily cap)',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ reason: 'wrong_credentials' }, signIn.failures);
      for (const [reason, count] of Object.entries(signIn.refusals)) this.inc({ reason }, count);
    },
  });

  const requests = new Counter({
    name: 'hotline_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'hotline_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new Gauge({
    name: 'hotline_jobs',
    help: 'Jobs handled by this process since start, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      for (const [outcome, count] of Object.entries(queue.stats())) this.set({ outcome }, count);
    },
  });
  new Gauge({
    name: 'hotline_kpi_rate',
    help: 'The 三率 over the last 30 days (response, resolution, satisfaction), as shares',
    labelNames: ['kpi'] as const,
    registers: [registry],
    // One query for both gauges per scrape.
    async collect() {
      const live = await kpis.live();
      for (const kpi of ['response', 'resolution', 'satisfaction'] as const) if (live[kpi] !== null) this.set({ kpi }, live[kpi]);
      unreachable.set(live.unreachable);
    },
  });
  // Registered after the rates, whose collect sets it: the registry collects in order.
  const unreachable = new Gauge({
    name: 'hotline_callbacks_unreachable',
    help: 'Callbacks that reached nobody (未联系上) over the last 30 days',
    registers: [registry],
  });
  new Gauge({
    name: 'hotline_tickets',
    help: 'Tickets by status (database)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const counts = new Map((await countByStatus(db)).map((row) => [row.status, Number(row.count)]));
      for (const status of ticketStatuses) this.set({ status }, counts.get(status) ?? 0);
    },
  });

  new Gauge({
    name: 'hotline_triage_decisions',
    help: 'Classified tickets by which path decided the category: local model, LLM, or none (an operator)',
    labelNames: ['path'] as const,
    registers: [registry],
    async collect() {
      const rows = await db('tickets')
        .select(db.raw("classification->>'decidedBy' as path"))
        .count({ n: '*' })
        .whereNotNull('classification')
        .groupByRaw('1');
      const counts = new Map(rows.map((r) => [String((r as { path: string }).path), Number((r as { n: number }).n)]));
      for (const path of ['local', 'llm', 'none']) this.set({ path }, counts.get(path) ?? 0);
    },
  });

  /** Labels by the matched route pattern, never the raw URL (ids would explode the label set). */
  const middleware: RequestHandler = (req, res, next) => {
    const stop = duration.startTimer();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      stop({ method: req.method, route });
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };

  return { registry, middleware };
}
