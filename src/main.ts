import { createHub } from './app';
import { ConfigError, loadConfig } from './config/config';
import { demoPassword, demoUsers } from './seed/demo-city';
import { indexTerms } from './shared/chinese-words';
import { createLogger } from './shared/logger';

/** `node dist/src/main.js [--role=api|worker|all]` — the one program, in the role asked for. */
async function main(): Promise<void> {
  const roleArg = process.argv.find((arg) => arg.startsWith('--role='))?.slice('--role='.length);
  const config = loadConfig(process.env, { role: roleArg });
  const logger = createLogger(config.logLevel);

  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception, exiting');
    process.exit(1);
  });

  const hub = await createHub(config, { logger });
  // The segmenter's dictionary (about 0.4 s) loads at start, not with the first search or classification.
  indexTerms('');
  await hub.start();

  let signals = 0;
  const shutdown = (signal: string) => {
    signals += 1;
    if (signals > 1) process.exit(1);
    logger.info({ signal }, 'shutting down');
    hub.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // SIGHUP too: a closed terminal must not leave the embedded PostgreSQL running without its hub.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));

  printBanner(hub.url() ?? config.http.publicUrl, config);
}

function printBanner(url: string, config: ReturnType<typeof loadConfig>): void {
  const lines = [
    '',
    `hotline-hub is running (role ${config.role}; database: ${config.database.kind === 'embedded' ? `embedded PostgreSQL in ${config.database.dataDir}` : 'DATABASE_URL'}; jobs: ${config.queue.kind})`,
  ];
  if (config.role !== 'worker') {
    lines.push(
      `  API docs     ${url}/api/docs`,
      `  REST API     ${url}/api/v1`,
      `  health       ${url}/healthz  ${url}/readyz`,
      `  metrics      ${url}/metrics`,
    );
    const publicUrl = config.http.publicUrl;
    lines.push(
      config.twilio
        ? `  Twilio       SMS ${publicUrl}/webhooks/twilio/sms   voice ${publicUrl}/webhooks/twilio/voice   call status ${publicUrl}/webhooks/twilio/voice/status`
        : '  Twilio       not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_SMS_FROM)',
      config.wechat
        ? `  mini-program ${publicUrl}/api/mp/v1   push ${publicUrl.replace(/^http/, 'ws')}/api/mp/v1/ws`
        : '  mini-program not configured (WECHAT_APPID, WECHAT_SECRET)',
      config.slack
        ? `  Slack        interactivity, slash command /12345: ${publicUrl}/webhooks/slack/events`
        : '  Slack        not configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)',
      `  supervision  ${url}/api/v1/sla/overdue   ${url}/api/v1/kpis?from=…&to=…   ${url}/api/v1/callbacks?status=asking&channel=operator`,
      `  帮办代办      ${url}/api/v1/proxy/matters   ${url}/api/v1/proxy/orders${config.proxy.postal ? '' : '   (postal tracking not configured: POSTAL_API_URL, POSTAL_API_KEY)'}`,
    );
  }
  // Triage runs in workers, so every role says which classifier it uses.
  lines.push(
    config.llm
      ? `  LLM          ${config.llm.model} at ${config.llm.baseUrl ?? 'OpenAI'}`
      : '  LLM          off (local model only; set OPENAI_API_KEY to add one)',
  );
  if (config.seedDemo) {
    lines.push('  demo users (示范市):');
    for (const user of demoUsers)
      lines.push(`    ${user.username.padEnd(11)} ${demoPassword(user.username).padEnd(17)} ${user.role.padEnd(11)} ${user.displayName}`);
  }
  lines.push('');
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : ((error as Error).stack ?? String(error))}\n`);
  process.exit(1);
});
