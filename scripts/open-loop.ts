import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface OpenLoopResult {
  sent: number;
  ok: number;
  failed: number;
  /** Achieved rate over the run: requests answered / seconds from the first send to the last answer. */
  rate: number;
  p50: number;
  p99: number;
  max: number;
  /** How late the generator's own event loop ran at p99 (ms): a busy generator adds this much to what it measures. */
  generatorLagP99: number;
}

/**
 * Requests at a constant rate (open loop), as webhooks arrive in production: request i is due at
 * start + i / rate whether or not earlier ones were answered. Latency counts from when a request
 * was due, so a server that falls behind is not flattered by the generator waiting for it
 * (autocannon's rate limit sends each second's quota back to back on every connection, and
 * measures under that burst instead). Bodies are built before the run.
 */
export async function openLoop(options: {
  url: string;
  rate: number;
  durationS: number;
  /** Sockets kept open to the server at most; requests beyond wait for one (and that wait counts). */
  connections: number;
  /**
   * Keep-alive sockets to reuse (and leave open), e.g. the warm-up's: a measured run then opens no
   * connections of its own, as a provider's pooled connections are open before a burst.
   */
  agent?: http.Agent;
  requests: ReadonlyArray<{ headers: Record<string, string>; body: string }>;
}): Promise<OpenLoopResult> {
  const target = new URL(options.url);
  const agent = options.agent ?? new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const total = Math.min(options.requests.length, Math.round(options.rate * options.durationS));
  const latencies: number[] = [];
  let failed = 0;
  let sent = 0;
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const start = performance.now();
  let lastAnswer = start;
  const inFlight: Array<Promise<void>> = [];

  const send = (index: number) => {
    const due = start + (index * 1000) / options.rate;
    const { headers, body } = options.requests[index]!;
    return new Promise<void>((resolve) => {
      const request = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            lastAnswer = performance.now();
            if (response.statusCode !== undefined && response.statusCode < 300) latencies.push(lastAnswer - due);
            else failed += 1;
            resolve();
          });
        },
      );
      request.on('error', () => {
        failed += 1;
        resolve();
      });
      request.end(body);
    });
  };

  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * options.rate) / 1000) + 1);
    while (sent < due) inFlight.push(send(sent++));
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inFlight);
  lag.disable();
  if (!options.agent) agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 10) / 10;
  return {
    sent,
    ok: latencies.length,
    failed,
    rate: Math.round((latencies.length * 1000) / (lastAnswer - start)),
    p50: at(0.5),
    p99: at(0.99),
    max: at(1),
    generatorLagP99: Math.round(lag.percentile(99) / 1e5) / 10,
  };
}
