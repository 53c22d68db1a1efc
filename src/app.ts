import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Express } from 'express';
import { Redis } from 'ioredis';

import { OpenAiClassifier } from '../adapters/openai/openai-classifier';
import { createSlackApp, registerSlackHandlers } from '../adapters/slack/slack-app';
import { createTwilioClient } from '../adapters/twilio/twilio-client';
import { TwilioCallPlacer } from '../adapters/twilio/twilio-call-placer';
import { TwilioSmsSender } from '../adapters/twilio/twilio-sms-sender';
import { HttpPostalTracker } from '../adapters/postal/http-postal-tracker';
import { WeChatHttpApi } from '../adapters/wechat/wechat-api';
import { HttpMediaFetcher, type FetchHost } from '../adapters/media/http-media-fetcher';
import { S3ObjectStore } from '../adapters/s3/s3-object-store';
import { DingTalkApi } from '../adapters/work-chat/dingtalk';
import { WeComApi } from '../adapters/work-chat/wecom';
import { miniProgramRouter } from '../channels/miniprogram/miniprogram.routes';
import { documentChannels } from '../channels/openapi';
import { citizenSocket } from '../channels/miniprogram/miniprogram.socket';
import { twilioSmsRouter } from '../channels/twilio-sms/twilio-sms.routes';
import { twilioSurveyRouter } from '../channels/twilio-voice/twilio-survey.routes';
import { twilioVoiceRouter } from '../channels/twilio-voice/twilio-voice.routes';

import { registerAuthRoutes } from './auth/auth.routes';
import { AuthService } from './auth/auth.service';
import { SignInGuard } from './auth/sign-in-guard';
import { CitizenAuthService } from './auth/citizen-auth.service';
import { ConfigError, type Config } from './config/config';
import { createDb, pingDb, type Db } from './db/db';
import { primaryOnly, ReplicaReads, type ReadSource } from './db/read-replica';
import { migrateLatest } from './db/migrate';
import { openDatabase } from './db/open-database';
import { ApiRouter } from './http/api-router';
import { createHttpApp } from './http/http-app';
import { UnitOfWork } from './db/unit-of-work';
import { Outbox } from './outbox/outbox';
import { ticketActions } from './tickets/ticket-actions';
import { dispatcher } from './routing/dispatcher';
import { matterCatalog, proxyHook } from './proxy/proxy.hook';
import { clockHook } from './sla/clocks.hook';
import { callbackHook } from './callback/callbacks.hook';
import { triageHook } from './triage/triage.hook';
import { ticketNoticesHook } from './notify/ticket-notices.hook';
import { createMetrics } from './http/metrics';
import { countByStatus, countTriageDecisions } from './tickets/tickets.repository';
import { registerCallRoutes, registerCallerRoutes } from './intake/calls.routes';
import { CallerHistory } from './intake/caller-history.service';
import { registerTriageRoutes } from './triage/triage.routes';
import { CallsService } from './intake/calls.service';
import { registerConversationRoutes } from './intake/conversations.routes';
import { registerQueueRoutes } from './intake/queues.routes';
import { ConversationsService } from './intake/conversations.service';
import { intakeHandlers, intakeRecovery } from './intake/intake.jobs';
import { IntakeService } from './intake/intake.service';
import { BullMqQueue } from './jobs/bullmq-queue';
import { InProcessQueue } from './jobs/in-process-queue';
import { startPeriodic } from './jobs/periodic';
import type { JobHandlers, JobQueue } from './jobs/queue';
import { notifyHandlers, outboxRelay } from './notify/notify.jobs';
import { registerInboxRoutes } from './notify/inbox.routes';
import { registerNotifyRoutes } from './notify/notify.routes';
import { NotifyService } from './notify/notify.service';
import { DepartmentInbox } from './notify/department-inbox';
import { LocalRealtimeBus, RedisRealtimeBus, type RealtimeBus } from './jobs/realtime';
import { staffSocket } from './notify/staff-socket';
import { attachSockets } from './http/sockets';
import { registerOrgRoutes } from './org/org.routes';
import { registerCannedReplyRoutes } from './org/canned-replies.routes';
import { registerKnowledgeRoutes } from './knowledge/knowledge.routes';
import { ArticleNotice } from './knowledge/article-notice.service';
import { KnowledgeService } from './knowledge/knowledge.service';
import { AutoAnswer } from './knowledge/auto-answer';
import { ticketSearchIndexer } from './tickets/ticket-search';
import { registerDuplicateRoutes } from './duplicates/duplicates.routes';
import { DuplicatesService } from './duplicates/duplicates.service';
import { hotspotDetection } from './hotspots/hotspots.jobs';
import { registerHotspotRoutes } from './hotspots/hotspots.routes';
import { registerPrivacyRoutes } from './privacy/privacy.routes';
import { HardCaseService } from './hardcase/hardcase.service';
import { hardCaseHook } from './hardcase/hardcase.hook';
import { hardCaseDiscovery } from './hardcase/hardcase.jobs';
import { registerHardCaseRoutes } from './hardcase/hardcase.routes';
import { PrivacyService, retentionTask } from './privacy/privacy.service';
import { ProactiveService, proactiveRun } from './proactive/proactive.service';
import { registerProactiveRoutes } from './proactive/proactive.routes';
import { AppointmentsService, appointmentReminders } from './appointments/appointments.service';
import { registerAppointmentRoutes } from './appointments/appointments.routes';
import { ProjectsService, projectOverdueAlerts } from './projects/projects.service';
import { registerProjectRoutes } from './projects/projects.routes';
import { PostalService } from './postal/postal.service';
import { registerPostalRoutes } from './postal/postal.routes';
import { OutcomesService } from './outcomes/outcomes.service';
import { registerOutcomeRoutes } from './outcomes/outcomes.routes';
import { partitionMaker } from './db/partitions';
import { HotspotsService } from './hotspots/hotspots.service';
import { OrgService } from './org/org.service';
import { registerRoutingRoutes } from './routing/routing.routes';
import { ChatActionsService } from './routing/chat-actions.service';
import { RoutingService } from './routing/routing.service';
import {
  seedBundles,
  seedDemoCity,
  seedPostalAndProjects,
  seedProactiveRules,
  seedProxyMatters,
  seedTaxonomy,
  usersWithDemoPasswords,
} from './seed/seed';
import { callbackHandlers, callbackSweep, kpiRollup } from './callback/callbacks.jobs';
import { registerCallbackRoutes } from './callback/callbacks.routes';
import { CallbacksService } from './callback/callbacks.service';
import { SurveyAnswers } from './callback/survey-answers.service';
import { PhoneSurvey } from './callback/phone-survey.service';
import { KpiService } from './callback/kpis';
import { proxyHandlers, proxySweep } from './proxy/proxy.jobs';
import { registerProxyRoutes } from './proxy/proxy.routes';
import { ProxyService } from './proxy/proxy.service';
import { LocalObjectStore } from './media/local-object-store';
import { registerMediaRoutes } from './media/media.routes';
import { registerBoardRoutes } from './board/board.routes';
import { MediaService } from './media/media.service';
import type { ObjectStore } from './media/ports';
import { ProxyOrders } from './proxy/proxy-orders.service';
import { ProxySteps } from './proxy/proxy-steps.service';
import { ClockService } from './sla/clocks.service';
import { SlaAlerts } from './sla/sla-alerts';
import { SlaConfigService } from './sla/sla-config.service';
import { seedSlaDefaults } from './sla/sla-defaults';
import { SlaReports } from './sla/sla-reports';
import { registerSlaRoutes } from './sla/sla.routes';
import { holidayNoticeCheck, slaDigest, slaHandlers, slaRollup, slaSweep } from './sla/sla.jobs';
import { AppError } from './shared/errors';
import { createLogger, type Logger } from './shared/logger';
import { CitizenTicketsService } from './tickets/citizen-tickets.service';
import { registerTicketRoutes } from './tickets/tickets.routes';
import { TicketsService } from './tickets/tickets.service';
import { LlmGuard } from './triage/llm-guard';
import { registerTaxonomyRoutes } from './triage/taxonomy.routes';
import { TaxonomyService } from './triage/taxonomy.service';
import { classifierReload, classifierRetraining, triageHandlers, triageRecovery } from './triage/triage.jobs';
import { TriageService } from './triage/triage.service';

export interface Hub {
  config: Config;
  logger: Logger;
  db: Db;
  queue: JobQueue;
  http: Express;
  services: {
    auth: AuthService;
    org: OrgService;
    taxonomy: TaxonomyService;
    tickets: TicketsService;
    intake: IntakeService;
    notify: NotifyService;
    calls: CallsService;
    triage: TriageService;
    routing: RoutingService;
    clocks: ClockService;
    slaConfig: SlaConfigService;
    slaAlerts: SlaAlerts;
    slaReports: SlaReports;
    callbacks: CallbacksService;
    kpis: KpiService;
    proxy: { catalog: ProxyService; orders: ProxyOrders; steps: ProxySteps };
    media: MediaService;
    knowledge: KnowledgeService;
    /** Absent when AUTO_ANSWER is off. */
    autoAnswer: AutoAnswer | undefined;
    hotspots: HotspotsService;
    privacy: PrivacyService;
    hardCases: HardCaseService;
    proactive: ProactiveService;
    appointments: AppointmentsService;
    projects: ProjectsService;
    postal: PostalService;
    outcomes: OutcomesService;
  };
  /** Starts what the role runs: HTTP for api/all, job workers and sweeps for worker/all. */
  start(): Promise<void>;
  /** Graceful: stop taking requests, finish running jobs, close queue and database. */
  stop(): Promise<void>;
  /** Where HTTP listens once started (the real port when PORT=0). */
  url(): string | undefined;
  seeded: { taxonomy: boolean; demo: boolean };
}

/** The composition root: the one place that builds and wires every part of the hub. */
export async function createHub(config: Config, options: { logger?: Logger } = {}): Promise<Hub> {
  const logger = options.logger ?? createLogger(config.logLevel);

  const database = await openDatabase(config, logger);
  const db = database.db;
  const replica =
    config.database.kind === 'external' && config.database.replica
      ? new ReplicaReads(
          db,
          createDb(config.database.replica.url, config.database.poolMax, { prepare: config.database.prepare }),
          logger,
          config.database.replica.maxLagMs,
        )
      : undefined;
  /** Reports, the board and searches: the replica while it is healthy, else the primary. */
  const reads: ReadSource = replica ?? primaryOnly(db);
  const queue: JobQueue =
    config.queue.kind === 'bullmq'
      ? new BullMqQueue({ redisUrl: config.queue.redisUrl, prefix: config.queue.prefix, concurrency: config.queue.concurrency, logger })
      : new InProcessQueue(config.queue.concurrency, logger);

  let seeded: { taxonomy: boolean; demo: boolean };
  try {
    const applied = await migrateLatest(db);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
    seeded = { taxonomy: await seedTaxonomy(db), demo: config.seedDemo ? await seedDemoCity(db) : false };
    if (config.database.kind === 'external' && !config.seedDemo) {
      const exposed = await usersWithDemoPasswords(db);
      if (exposed.length > 0) {
        throw new ConfigError(
          `refusing to start: the demo account(s) ${exposed.join(', ')} still have their published demo password. ` +
            'Change or deactivate them (PATCH /api/v1/users/{id}), or set SEED_DEMO=true for a demo hub.',
        );
      }
    }
    // The standard week, Beijing-style limits and the alert ladder: data an admin changes afterwards.
    await seedSlaDefaults(db);
    await seedProxyMatters(db);
    await seedBundles(db);
    await seedPostalAndProjects(db, config.seedDemo);
    await seedProactiveRules(db);
  } catch (error) {
    await queue.close();
    await database.close();
    throw error;
  }

  // Channels and adapters: each vendor SDK enters here and nowhere else in src/.
  const twilioClient = config.twilio ? createTwilioClient(config.twilio) : undefined;
  const smsSender =
    config.twilio && twilioClient
      ? new TwilioSmsSender(twilioClient, config.twilio.smsFrom, `${config.http.publicUrl}/webhooks/twilio/sms/status`)
      : undefined;
  const callPlacer =
    config.twilio && twilioClient ? new TwilioCallPlacer(twilioClient, config.twilio.smsFrom, config.http.publicUrl) : undefined;

  const objectStore: ObjectStore =
    config.media.store.kind === 's3' ? new S3ObjectStore(config.media.store) : new LocalObjectStore(config.media.store.dir);
  // Media URLs are fetched only from the providers' hosts: Twilio's API (with its credentials) and those listed.
  const fetchHosts: FetchHost[] = config.media.fetchHosts.map((host) => ({ host }));
  if (config.twilio)
    fetchHosts.push({
      host: new URL(config.twilio.apiBase ?? 'https://api.twilio.com').host,
      basicAuth: { user: config.twilio.accountSid, password: config.twilio.authToken },
    });
  const mediaFetcher = new HttpMediaFetcher(fetchHosts, config.media.timeoutMs);

  const wechatApi = config.wechat ? new WeChatHttpApi(config.wechat) : undefined;
  const slack = config.slack ? createSlackApp(config.slack, logger) : undefined;
  // Live events to the staff console and the mini-program, through Redis pub/sub when there is Redis.
  const bus: RealtimeBus =
    config.queue.kind === 'bullmq' ? new RedisRealtimeBus(config.queue.redisUrl, config.queue.prefix, logger) : new LocalRealtimeBus();

  // Sign-in failures are counted in Redis when there is one, so every api process counts together.
  const signInStore =
    config.queue.kind === 'bullmq'
      ? { redis: new Redis(config.queue.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2_000 }), prefix: config.queue.prefix }
      : undefined;
  const signInGuard = new SignInGuard(config.signIn, signInStore);
  const auth = new AuthService(db, config.sessionTtlMs, signInGuard);
  const org = new OrgService(db);
  const taxonomy = new TaxonomyService(db);
  // One unit of work: a transaction, then its enqueues and outbox deliveries once it commits.
  const work = new UnitOfWork(db, queue, bus, logger);
  const outbox = new Outbox(() => notify.channels());
  const notify = new NotifyService(
    db,
    queue,
    logger,
    { ...config.outbox, publicUrl: config.http.publicUrl },
    {
      department: new DepartmentInbox(work),
      sms: smsSender,
      miniprogram: config.wechat ? { bus, wechat: wechatApi, statusTemplateId: config.wechat.statusTemplateId } : undefined,
      slack: slack?.chat,
      voice: callPlacer,
      wecom: config.workChat.wecom ? new WeComApi(config.workChat.wecom) : undefined,
      dingtalk: config.workChat.dingtalk ? new DingTalkApi(config.workChat.dingtalk) : undefined,
    },
  );
  const routing = new RoutingService(db);
  const chatSettings = config.slack ? { supervisorChannel: config.slack.supervisorChannel } : (false as const);
  // Clocks re-plan when a calendar changes; the config service calls back once both exist.
  const slaConfig: SlaConfigService = new SlaConfigService(db, (calendarId) => clocks.replanCalendar(calendarId).then(() => undefined));
  const slaReports = new SlaReports(db, reads);
  const slaAlerts = new SlaAlerts(work, outbox, slaReports, { chat: chatSettings, digestAt: config.sla.digestAt });
  // Jobs for alerts due before the next sweep but one; the sweep plans the later ones as they come near.
  const clocks = new ClockService(db, slaConfig, work, slaAlerts, Math.max(2 * config.sla.sweepMs, 60_000));
  // The ticket core names none of its followers: each module's hook is registered here, in the order they run.
  const tickets = new TicketsService({
    db,
    work,
    actions: ticketActions({
      dispatcher: dispatcher(routing),
      matters: matterCatalog,
      returnWindowHours: config.routing.returnWindowHours,
    }),
    hooks: [clockHook(clocks), callbackHook, ticketNoticesHook(outbox, chatSettings), proxyHook, triageHook, hardCaseHook],
    matters: matterCatalog,
    returnWindowHours: config.routing.returnWindowHours,
    provisionalCheck: () => clocks.provisionalCheck(),
    reads,
  });
  const chatActions = slack ? new ChatActionsService(db, auth, queue, tickets, slack.chat, logger) : undefined;
  if (slack && chatActions) registerSlackHandlers(slack.app, chatActions);
  const callbacks = new CallbacksService(db, work, outbox, tickets, logger, { phoneCalls: callPlacer !== undefined });
  const surveys = new SurveyAnswers(db, work);
  const phoneSurvey = new PhoneSurvey(db, work);
  const kpis = new KpiService(db, reads);
  const proxyOrders = new ProxyOrders(db, work, tickets, outbox, {
    acceptMinutes: config.proxy.acceptMinutes,
    publicUrl: config.http.publicUrl,
  });
  const proxy = {
    catalog: new ProxyService(db, slaConfig),
    orders: proxyOrders,
    steps: new ProxySteps(
      db,
      work,
      outbox,
      tickets,
      (actor, id) => proxyOrders.get(actor, id),
      logger,
      config.proxy.postal ? new HttpPostalTracker(config.proxy.postal) : undefined,
    ),
  };
  const appointments = new AppointmentsService(db, work, outbox);
  const projects = new ProjectsService(db, work, slaConfig);
  const postal = new PostalService(db, work, tickets, logger);
  const outcomes = new OutcomesService(reads);
  const intake = new IntakeService(db, queue, work, outbox, tickets, surveys, logger, appointments);
  const calls = new CallsService(db, bus, logger);
  const conversations = new ConversationsService(db, work, outbox, tickets);
  const citizenAuth = wechatApi ? new CitizenAuthService(db, wechatApi, config.citizenSessionTtlMs) : undefined;
  const citizenTickets = new CitizenTicketsService(db);
  const media = new MediaService(db, objectStore, tickets, mediaFetcher, logger, config.media.maxBytes);
  const knowledge = new KnowledgeService(db);
  const autoAnswer = config.routing.autoAnswer ? new AutoAnswer(db, work, knowledge, tickets, logger) : undefined;
  const articleNotice = new ArticleNotice(work, outbox, tickets);
  const duplicates = new DuplicatesService(db);
  const hotspots = new HotspotsService(db, work, outbox, logger);
  const privacy = new PrivacyService(db, objectStore, logger);
  const hardCases = new HardCaseService(db, tickets);
  const proactive = new ProactiveService(db, tickets, logger);

  const llm = config.llm
    ? {
        classifier: new OpenAiClassifier({
          baseUrl: config.llm.baseUrl,
          apiKey: config.llm.apiKey,
          model: config.llm.model,
          timeoutMs: config.llm.timeoutMs,
          maxRetries: config.llm.maxRetries,
        }),
        guard: new LlmGuard(db, { dailyCalls: config.llm.dailyCalls, dailyTokens: config.llm.dailyTokens }),
        belowConfidence: config.llm.belowConfidence,
        redactPii: config.llm.redactPii,
      }
    : undefined;
  const triage = new TriageService(db, tickets, logger, {
    autoApplyConfidence: config.classifierAutoApplyConfidence,
    llm,
    autoDispatch: config.routing.autoDispatch ? routing : undefined,
    autoAnswer,
  });

  const handlers: JobHandlers = {
    ...triageHandlers(triage),
    ...intakeHandlers(intake),
    ...notifyHandlers(notify),
    ...slaHandlers(clocks),
    ...callbackHandlers(callbacks),
    ...proxyHandlers(proxy),
    'media.fetch': ({ messageId }) => media.fetchForMessage(messageId),
    // Without Slack nothing enqueues these; one left from a configuration since removed is dropped.
    'chat.action': (payload) => (chatActions ? chatActions.run(payload) : Promise.resolve('skipped')),
  };
  const holidayNotice = holidayNoticeCheck(slaConfig, db, logger);
  const periodicTasks = [
    triageRecovery(db, queue),
    intakeRecovery(intake),
    outboxRelay(notify, config.outbox.sweepMs),
    classifierReload(triage),
    classifierRetraining(triage, config.classifierRetrainMinLabels),
    slaSweep(clocks, config.sla.sweepMs),
    slaDigest(slaAlerts),
    slaRollup(slaReports),
    holidayNotice,
    callbackSweep(callbacks, config.callback.sweepMs),
    kpiRollup(kpis),
    proxySweep(proxy, config.proxy.sweepMs),
    hotspotDetection(hotspots),
    ticketSearchIndexer(db),
    partitionMaker(db),
    retentionTask(privacy),
    hardCaseDiscovery(hardCases),
    proactiveRun(proactive),
    appointmentReminders(appointments),
    projectOverdueAlerts(projects),
  ];

  const webhooks = Router();
  if (config.twilio) {
    const twilioWebhook = { authToken: config.twilio.authToken, publicUrl: config.http.publicUrl };
    webhooks.use('/twilio/survey', twilioSurveyRouter({ ...twilioWebhook, survey: phoneSurvey }));
    webhooks.use('/twilio/voice', twilioVoiceRouter({ ...twilioWebhook, intake, calls }));
    webhooks.use('/twilio', twilioSmsRouter({ ...twilioWebhook, intake, notify }));
  } else {
    webhooks.use('/twilio', () => {
      throw new AppError('NOT_READY', '未配置 Twilio 渠道（TWILIO_ACCOUNT_SID、TWILIO_AUTH_TOKEN、TWILIO_SMS_FROM）');
    });
  }

  if (slack) webhooks.use(slack.router);
  else {
    webhooks.use('/slack', () => {
      throw new AppError('NOT_READY', '未配置 Slack（SLACK_BOT_TOKEN、SLACK_SIGNING_SECRET）');
    });
  }

  const citizenApi = citizenAuth
    ? miniProgramRouter({ db, citizenAuth, intake, citizenTickets, surveys, appointments, bodyLimitBytes: config.http.bodyLimitBytes })
    : Router().use(() => {
        throw new AppError('NOT_READY', '未配置小程序渠道（WECHAT_APPID、WECHAT_SECRET）');
      });

  const { api, openApi } = buildApi(
    {
      auth,
      org,
      taxonomy,
      tickets,
      routing,
      notify,
      sla: { config: slaConfig, clocks, reports: slaReports, tickets },
      db,
      callbacks,
      kpis,
      proxy,
      calls,
      conversations,
      triage,
      media,
      knowledge,
      articleNotice,
      duplicates,
      hotspots,
      privacy,
      hardCases,
      proactive,
      appointments,
      projects,
      postal,
      outcomes,
      reads,
    },
    config.exposure.validateResponses,
  );

  const metrics = createMetrics({
    jobs: () => ({ ...queue.stats() }),
    signIn: signInGuard,
    kpis: () => kpis.live(),
    ticketsByStatus: () => countByStatus(db),
    triageDecisions: () => countTriageDecisions(db),
    replicaInUse: () => replica?.inUse,
  });
  const http = createHttpApp({
    publicUrl: config.http.publicUrl,
    consoleDir: builtConsole(),
    logger,
    auth,
    bodyLimitBytes: config.http.bodyLimitBytes,
    exposure: config.exposure,
    openApi,
    metrics,
    api: api.router,
    takesFile: (method, path) => api.takesFile(method, path),
    webhooks,
    citizenApi,
    readiness: async () => ({
      database: await pingDb(db).then(
        () => 'ok',
        (err: Error) => err.message,
      ),
      queue: await queue.ping().then(
        () => 'ok',
        (err: Error) => err.message,
      ),
      media: await objectStore.ping().then(
        () => 'ok',
        (err: Error) => err.message,
      ),
    }),
  });

  let server: Server | undefined;
  let stopPeriodic: (() => Promise<void>) | undefined;
  let closeSockets: (() => Promise<void>) | undefined;
  let stopping: Promise<void> | undefined;
  const runsHttp = config.role === 'api' || config.role === 'all';
  const runsWorker = config.role === 'worker' || config.role === 'all';

  return {
    config,
    logger,
    db,
    queue,
    http,
    services: {
      auth,
      org,
      taxonomy,
      tickets,
      intake,
      notify,
      calls,
      triage,
      routing,
      clocks,
      slaConfig,
      slaAlerts,
      slaReports,
      callbacks,
      kpis,
      proxy,
      media,
      knowledge,
      autoAnswer,
      hotspots,
      privacy,
      hardCases,
      proactive,
      appointments,
      projects,
      postal,
      outcomes,
    },
    seeded,
    url: () => {
      const address = server?.address() as AddressInfo | null | undefined;
      return address ? `http://${config.http.host}:${address.port}` : undefined;
    },
    async start() {
      await replica?.start();
      // Said at every start, whatever the role: next year's holiday notice is missing (from 1 November).
      await holidayNotice.run().catch((err: unknown) => logger.error({ err }, 'holiday notice check failed'));
      if (runsWorker) {
        // Only workers triage: they load (on a fresh database, train) the classifier before taking jobs.
        await triage.ensureModel();
        await queue.startWorker(handlers);
        stopPeriodic = startPeriodic(periodicTasks, logger);
      }
      if (runsHttp) {
        server = await new Promise<Server>((resolve, reject) => {
          const s = http.listen(config.http.port, config.http.host, () => resolve(s)).once('error', reject);
        });
        // Above Node's default, so a proxy's pooled connections are not cut mid-request.
        server.keepAliveTimeout = 65_000;
        closeSockets = attachSockets(
          server,
          [staffSocket({ auth, bus, publicUrl: config.http.publicUrl }), ...(citizenAuth ? [citizenSocket({ citizenAuth, bus })] : [])],
          (err) => logger.error({ err }, 'websocket admission failed'),
        );
      }
    },
    stop() {
      stopping ??= (async () => {
        const deadline = setTimeout(() => server?.closeAllConnections(), config.shutdownTimeoutMs).unref();
        await closeSockets?.();
        if (server) {
          const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
          server.closeIdleConnections();
          await closed;
        }
        clearTimeout(deadline);
        await stopPeriodic?.();
        await queue.close();
        await bus.close();
        signInStore?.redis.disconnect();
        await replica?.stop();
        await database.close();
      })();
      return stopping;
    },
  };
}

/** web/dist beside the package (from src/ in tests, from dist/src/ when built), if the console was built. */
function builtConsole(): string | undefined {
  for (const root of [path.resolve(__dirname, '..'), path.resolve(__dirname, '../..')]) {
    const dir = path.join(root, 'web', 'dist');
    if (fs.existsSync(path.join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

/** What the staff API's routes are built on. */
export interface ApiServices {
  auth: AuthService;
  org: OrgService;
  taxonomy: TaxonomyService;
  tickets: TicketsService;
  routing: RoutingService;
  notify: NotifyService;
  sla: Parameters<typeof registerSlaRoutes>[1];
  db: Db;
  callbacks: CallbacksService;
  kpis: KpiService;
  proxy: Parameters<typeof registerProxyRoutes>[1];
  calls: CallsService;
  conversations: ConversationsService;
  triage: TriageService;
  media: MediaService;
  knowledge: KnowledgeService;
  articleNotice: ArticleNotice;
  duplicates: DuplicatesService;
  hotspots: HotspotsService;
  privacy: PrivacyService;
  hardCases: HardCaseService;
  proactive: ProactiveService;
  appointments: AppointmentsService;
  projects: ProjectsService;
  postal: PostalService;
  outcomes: OutcomesService;
  /** Reports and searches: a replica when configured and healthy. */
  reads: ReadSource;
}

/**
 * The staff API (`/api/v1`) and the OpenAPI document that describes it and the channels, from one
 * set of schemas. Registering reads no service: `npm run openapi` builds the document from stubs.
 */
export function buildApi(services: ApiServices, validateResponses: boolean): { api: ApiRouter; openApi: OpenAPIRegistry } {
  const { auth, org, taxonomy, tickets, routing, notify, db, callbacks, kpis, proxy, calls, conversations } = services;
  const openApi = new OpenAPIRegistry();
  openApi.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'A session token from /api/v1/auth/login, or an API key',
  });
  openApi.registerComponent('securitySchemes', 'citizenAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'A citizen session from /api/mp/v1/login',
  });
  documentChannels(openApi);
  const api = new ApiRouter(openApi, '/api/v1', validateResponses, (change) => auth.recordSettingsChange(change));
  registerAuthRoutes(api, auth);
  registerOrgRoutes(api, org);
  registerTaxonomyRoutes(api, taxonomy);
  registerTicketRoutes(api, tickets, db);
  registerRoutingRoutes(api, routing);
  registerNotifyRoutes(api, notify, tickets);
  registerSlaRoutes(api, services.sla);
  registerInboxRoutes(api, db);
  registerCallbackRoutes(api, callbacks, kpis);
  registerProxyRoutes(api, proxy);
  registerCallRoutes(api, calls);
  registerCallerRoutes(api, new CallerHistory(db));
  registerTriageRoutes(api, services.triage, routing);
  registerConversationRoutes(api, conversations);
  registerQueueRoutes(api, db);
  registerCannedReplyRoutes(api, db);
  registerMediaRoutes(api, services.media);
  registerBoardRoutes(api, { reads: services.reads, kpis });
  registerKnowledgeRoutes(api, services.knowledge, services.articleNotice);
  registerDuplicateRoutes(api, services.duplicates);
  registerHotspotRoutes(api, services.hotspots);
  registerPrivacyRoutes(api, services.privacy);
  registerHardCaseRoutes(api, services.hardCases);
  registerProactiveRoutes(api, services.proactive);
  registerAppointmentRoutes(api, services.appointments);
  registerProjectRoutes(api, services.projects);
  registerPostalRoutes(api, services.postal);
  registerOutcomeRoutes(api, services.outcomes);
  return { api, openApi };
}
