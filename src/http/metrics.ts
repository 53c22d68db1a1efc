import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the gauges read at each scrape; the composition root wires them to the modules that know. */
export interface MetricSources {
  /** Jobs handled by this process since start, by outcome. */
  jobs(): Record<string, number>;
  /** Password sign-ins refused by this process. */
  signIn: { readonly failures: number; readonly refusals: Readonly<Record<string, number>> };
  /** The 三率 over the last 30 days, and the callbacks that reached nobody. */
  kpis(): Promise<{ response: number | null; resolution: number | null; satisfaction: number | null; unreachable: number }>;
  /** Every ticket status with its count (zero included). */
  ticketsByStatus(): Promise<Record<string, number>>;
  /** Classified tickets by the path that decided: local, llm, none. */
  triageDecisions(): Promise<Record<string, number>>;
  /** Whether reports and searches read the configured replica now (undefined: none configured). */
  replicaInUse(): boolean | undefined;
}

/** One registry per hub, so several hubs in one test process do not share counters. */
export function createMetrics(sources: MetricSources) {
  const { signIn } = sources;
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
    name: 'hotline_read_replica_in_use',
    help: 'Whether reports and searches read the configured replica (1) or fell back to the primary (0); absent without one',
    registers: [registry],
    collect() {
      const inUse = sources.replicaInUse();
      if (inUse !== undefined) this.set(inUse ? 1 : 0);
    },
  });
  new Gauge({
    name: 'hotline_jobs',
    help: 'Jobs handled by this process since start, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      for (const [outcome, count] of Object.entries(sources.jobs())) this.set({ outcome }, count);
    },
  });
  new Gauge({
    name: 'hotline_kpi_rate',
    help: 'The 三率 over the last 30 days (response, resolution, satisfaction), as shares',
    labelNames: ['kpi'] as const,
    registers: [registry],
    // One query for both gauges per scrape.
    async collect() {
      const live = await sources.kpis();
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
      for (const [status, count] of Object.entries(await sources.ticketsByStatus())) this.set({ status }, count);
    },
  });

  new Gauge({
    name: 'hotline_triage_decisions',
    help: 'Classified tickets by which path decided the category: local model, LLM, or none (an operator)',
    labelNames: ['path'] as const,
    registers: [registry],
    async collect() {
      for (const [path, count] of Object.entries(await sources.triageDecisions())) this.set({ path }, count);
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
