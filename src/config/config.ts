import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import type { LaneConcurrency } from '../jobs/job-catalogue';

/**
 * The one place that reads process.env. Every key is documented in README.md
 * (Configuration); keep the two in step.
 */
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** A comma-separated list of addresses or CIDRs (IPv4 or IPv6), checked at start rather than at the first request. */
const isAddressOrCidr = (entry: string): boolean => {
  const [address, prefix, extra] = entry.split('/');
  const version = isIP(address ?? '');
  if (version === 0 || extra !== undefined) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
};
const addressList = (also: readonly string[] = []) =>
  z
    .string()
    .trim()
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .refine((entries) => entries.every((entry) => also.includes(entry) || isAddressOrCidr(entry)), {
      message: `addresses or CIDRs separated by commas${also.length ? ` (or ${also.join(', ')})` : ''}`,
    });

const optionalUrl = z.preprocess((value) => (value === '' ? undefined : value), z.url().optional());

export const roles = ['api', 'worker', 'all'] as const;
export type ProcessRole = (typeof roles)[number];

const envSchema = z.object({
  HUB_ROLE: z.enum(roles).default('all'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optionalUrl,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: optionalUrl,
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** A streaming replica for reports, the board and searches (writes stay on DATABASE_URL). */
  DATABASE_REPLICA_URL: optionalUrl,
  DATABASE_REPLICA_MAX_LAG_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  DATABASE_PREPARE: booleanFromEnv.default(true),
  EMBEDDED_PG_DIR: z.string().min(1).default('./data/pg'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),

  REDIS_URL: optionalUrl,
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only')
    .default('hh'),
  QUEUE_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  QUEUE_BATCH_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(1),
  QUEUE_BACKGROUND_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(2),

  SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  BODY_LIMIT_KB: z.coerce.number().int().min(1).max(10_240).default(256),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Demo users and data: on by default on the embedded database, off once DATABASE_URL points at a real one. */
  SEED_DEMO: booleanFromEnv.optional(),
  /** Which hops' X-Forwarded-For to believe (Express's "trust proxy"): loopback, a CIDR list, or a hop count. */
  TRUST_PROXY: z
    .union([z.string().trim().regex(/^\d+$/, 'a hop count').transform(Number), addressList(['loopback', 'linklocal', 'uniquelocal'])])
    .default(['loopback']),
  SIGN_IN_LOCK_AFTER: z.coerce.number().int().min(1).max(1_000).default(10),
  SIGN_IN_LOCK_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(15),
  SIGN_IN_DELAY_AFTER: z.coerce.number().int().min(1).max(1_000).default(5),
  SIGN_IN_DELAY_MAX_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  SIGN_IN_ADDRESS_FAILURES_PER_DAY: z.coerce.number().int().min(1).max(1_000_000).default(200),
  METRICS_TOKEN: z.string().min(16).optional(),
  METRICS_ALLOW: addressList().optional(),
  /** Check every API answer against its documented schema (tests and staging; costs a JSON round trip per answer). */
  API_VALIDATE_RESPONSES: booleanFromEnv.default(false),
  /** Swagger UI and the OpenAPI document for anyone: on by default on the embedded database, off with DATABASE_URL. */
  API_DOCS_PUBLIC: booleanFromEnv.optional(),

  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'AC followed by 32 hex digits')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16).optional(),
  TWILIO_SMS_FROM: z.string().min(3).optional(),
  TWILIO_API_BASE: optionalUrl,

  WECHAT_APPID: z
    .string()
    .regex(/^wx[0-9a-zA-Z]{16}$/, 'wx followed by 16 letters or digits')
    .optional(),
  WECHAT_SECRET: z.string().min(16).optional(),
  WECHAT_API_BASE: z.url().default('https://api.weixin.qq.com'),
  WECHAT_STATUS_TEMPLATE_ID: z.string().min(1).max(100).optional(),
  CITIZEN_SESSION_TTL_DAYS: z.coerce.number().positive().max(365).default(30),

  CLASSIFIER_AUTO_APPLY_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.6),
  CLASSIFIER_RETRAIN_MIN_LABELS: z.coerce.number().int().min(1).default(50),

  OPENAI_BASE_URL: optionalUrl,
  OPENAI_API_KEY: z.string().min(1).optional(),
  LLM_MODEL: z.string().min(1).default('gpt-4o-mini'),
  LLM_ENABLED: booleanFromEnv.default(true),
  LLM_BELOW_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.6),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  LLM_DAILY_CALLS: z.coerce.number().int().min(0).default(5_000),
  LLM_DAILY_TOKENS: z.coerce.number().int().min(0).default(5_000_000),
  LLM_REDACT_PII: booleanFromEnv.default(true),

  AUTO_DISPATCH: booleanFromEnv.default(true),
  AUTO_ANSWER: booleanFromEnv.default(true),
  RETURN_WINDOW_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(24),

  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xox[a-z]-/, 'a bot token, xoxb-…')
    .optional(),
  SLACK_SIGNING_SECRET: z.string().min(16).optional(),
  SLACK_API_URL: optionalUrl,
  SLACK_SUPERVISOR_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]{6,20}$/, 'a Slack channel id such as C0123ABCD')
    .optional(),

  WECOM_CORP_ID: z.string().min(4).max(64).optional(),
  WECOM_CORP_SECRET: z.string().min(8).optional(),
  WECOM_AGENT_ID: z.coerce.number().int().positive().optional(),
  WECOM_API_BASE: z.url().default('https://qyapi.weixin.qq.com'),
  DINGTALK_APP_KEY: z.string().min(4).max(64).optional(),
  DINGTALK_APP_SECRET: z.string().min(8).optional(),
  DINGTALK_AGENT_ID: z.coerce.number().int().positive().optional(),
  DINGTALK_API_BASE: z.url().default('https://oapi.dingtalk.com'),

  SLA_SWEEP_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  PROXY_ACCEPT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  PROXY_SWEEP_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  POSTAL_API_URL: optionalUrl,
  POSTAL_API_KEY: z.string().min(8).optional(),
  CALLBACK_SWEEP_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  SLA_DIGEST_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a Beijing time as HH:MM')
    .default('08:30'),

  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  OUTBOX_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(5_000),
  OUTBOX_SWEEP_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  OUTBOX_LEASE_MS: z.coerce.number().int().min(300).max(600_000).default(30_000),
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),

  MEDIA_DIR: z.string().min(1).default('./data/media'),
  MEDIA_MAX_MB: z.coerce.number().positive().max(500).default(20),
  MEDIA_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')
    .optional(),
  MEDIA_S3_ENDPOINT: optionalUrl,
  MEDIA_S3_REGION: z.string().min(1).default('us-east-1'),
  MEDIA_S3_ACCESS_KEY_ID: z.string().min(3).optional(),
  MEDIA_S3_SECRET_ACCESS_KEY: z.string().min(8).optional(),
  MEDIA_S3_PATH_STYLE: booleanFromEnv.default(true),
  /** Hosts besides Twilio's whose media URLs the hub fetches (the mini-program's file storage), comma-separated. */
  MEDIA_FETCH_HOSTS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z0-9.-]+(:\d+)?$/, 'a host name, with a port if not 443'))),
});

export interface Config {
  role: ProcessRole;
  http: { host: string; port: number; publicUrl: string; bodyLimitBytes: number };
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  database:
    | { kind: 'external'; url: string; poolMax: number; prepare: boolean; replica?: { url: string; maxLagMs: number } }
    | { kind: 'embedded'; dataDir: string; port: number; poolMax: number; prepare: boolean };
  /** Jobs at once per worker process, by lane (src/jobs/job-catalogue.ts). */
  queue:
    | { kind: 'bullmq'; redisUrl: string; prefix: string; concurrency: LaneConcurrency }
    | { kind: 'in-process'; concurrency: LaneConcurrency };
  sessionTtlMs: number;
  /** Sign-in: a growing delay per account, a lock per account and address, a daily cap per address. */
  signIn: { lockAfter: number; lockMs: number; delayAfter: number; delayMaxMs: number; addressFailuresPerDay: number };
  /** Who may read /metrics (a bearer token, and/or addresses or CIDRs), and whether the API docs are public. */
  exposure: {
    trustProxy: number | string[];
    metricsToken?: string;
    metricsAllow: string[];
    apiDocsPublic: boolean;
    validateResponses: boolean;
  };
  shutdownTimeoutMs: number;
  seedDemo: boolean;
  /** Present when the SMS channel is configured (all of SID, token and sender number). */
  twilio?: { accountSid: string; authToken: string; smsFrom: string; apiBase?: string; timeoutMs: number };
  /** Present when the mini-program channel is configured (app id and secret). */
  wechat?: { appId: string; secret: string; apiBase: string; statusTemplateId?: string; timeoutMs: number };
  citizenSessionTtlMs: number;
  /** The local model's category is filled in on its own from this confidence on; below, it is only suggested. */
  classifierAutoApplyConfidence: number;
  /** Retrain on operators' labels once this many arrived since the active model. */
  classifierRetrainMinLabels: number;
  /** Present when an OpenAI-compatible endpoint is configured (OPENAI_API_KEY) and not switched off (LLM_ENABLED). */
  llm?: {
    baseUrl?: string;
    apiKey: string;
    model: string;
    belowConfidence: number;
    timeoutMs: number;
    maxRetries: number;
    dailyCalls: number;
    dailyTokens: number;
    redactPii: boolean;
  };
  routing: {
    /** Dispatch on its own when the category is confident, set to auto, and the dispatch catalog matches. */
    autoDispatch: boolean;
    /** A department may return (退单) a ticket within this many hours of receiving it. */
    returnWindowHours: number;
    /** Answer citizens' plain questions on SMS and the mini-program from a published article (智能答复). */
    autoAnswer: boolean;
  };
  /** Present when Slack is configured (bot token and signing secret). */
  slack?: { botToken: string; signingSecret: string; apiUrl?: string; supervisorChannel?: string; timeoutMs: number };
  /** WeCom (企业微信/政务微信) and DingTalk (钉钉): each present when its app is configured. */
  workChat: {
    wecom?: { corpId: string; corpSecret: string; agentId: number; apiBase: string; timeoutMs: number };
    dingtalk?: { appKey: string; appSecret: string; agentId: number; apiBase: string; timeoutMs: number };
  };
  sla: {
    /** How often each worker sweeps for alerts a lost job missed. */
    sweepMs: number;
    /** When (Beijing time, HH:MM) the supervisors' daily overdue digest goes out. */
    digestAt: string;
  };
  proxy: {
    /** A runner has this long to accept an offered order before it goes to the next. */
    acceptMinutes: number;
    sweepMs: number;
    /** The postal service's tracking API (free delivery of results); without it, a posted result is marked delivered by staff. */
    postal?: { baseUrl: string; apiKey: string; timeoutMs: number };
  };
  /** How often each worker looks for callback steps that are due (first question, reminder, next channel). */
  callback: { sweepMs: number };
  /**
   * Photos, recordings and files: kept in a local directory, or in an S3-compatible bucket when one is
   * configured; at most maxBytes each. fetchHosts: where, besides Twilio, a media URL is fetched from.
   */
  media: {
    maxBytes: number;
    store:
      | { kind: 'local'; dir: string }
      | {
          kind: 's3';
          bucket: string;
          endpoint?: string;
          region: string;
          accessKeyId: string;
          secretAccessKey: string;
          forcePathStyle: boolean;
          timeoutMs: number;
        };
    fetchHosts: string[];
    timeoutMs: number;
  };
  /** leaseMs: how long a claimed message is a worker's; renewed while it sends, so only a dead worker's run out. */
  outbox: { maxAttempts: number; retryBaseMs: number; sweepMs: number; leaseMs: number };
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: { role?: string } = {}): Config {
  const parsed = envSchema.safeParse({ ...env, ...(overrides.role ? { HUB_ROLE: overrides.role } : {}) });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  // Without Redis the job queue lives inside one process, so api and worker cannot be split.
  if (!e.REDIS_URL && e.HUB_ROLE !== 'all') {
    throw new ConfigError(`role "${e.HUB_ROLE}" needs REDIS_URL: without Redis, jobs run in-process and only role "all" works`);
  }
  const twilioKeys = [e.TWILIO_ACCOUNT_SID, e.TWILIO_AUTH_TOKEN, e.TWILIO_SMS_FROM];
  if (twilioKeys.some(Boolean) && !twilioKeys.every(Boolean)) {
    throw new ConfigError('the SMS channel needs all of TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_SMS_FROM (or none)');
  }
  if (Boolean(e.SLACK_BOT_TOKEN) !== Boolean(e.SLACK_SIGNING_SECRET))
    throw new ConfigError('Slack needs both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or neither)');
  for (const [name, keys] of [
    [
      'WeCom needs all of WECOM_CORP_ID, WECOM_CORP_SECRET and WECOM_AGENT_ID (or none)',
      [e.WECOM_CORP_ID, e.WECOM_CORP_SECRET, e.WECOM_AGENT_ID],
    ],
    [
      'DingTalk needs all of DINGTALK_APP_KEY, DINGTALK_APP_SECRET and DINGTALK_AGENT_ID (or none)',
      [e.DINGTALK_APP_KEY, e.DINGTALK_APP_SECRET, e.DINGTALK_AGENT_ID],
    ],
  ] as const)
    if (keys.some(Boolean) && !keys.every(Boolean)) throw new ConfigError(name);
  const s3Keys = [e.MEDIA_S3_BUCKET, e.MEDIA_S3_ACCESS_KEY_ID, e.MEDIA_S3_SECRET_ACCESS_KEY];
  if (s3Keys.some(Boolean) && !s3Keys.every(Boolean))
    throw new ConfigError(
      'the S3 media store needs all of MEDIA_S3_BUCKET, MEDIA_S3_ACCESS_KEY_ID and MEDIA_S3_SECRET_ACCESS_KEY (or none)',
    );
  if (Boolean(e.WECHAT_APPID) !== Boolean(e.WECHAT_SECRET))
    throw new ConfigError('the mini-program channel needs both WECHAT_APPID and WECHAT_SECRET (or neither)');
  const concurrency: LaneConcurrency = {
    main: e.QUEUE_CONCURRENCY,
    intake: e.QUEUE_BATCH_CONCURRENCY,
    delivery: e.QUEUE_BATCH_CONCURRENCY,
    background: e.QUEUE_BACKGROUND_CONCURRENCY,
  };
  return {
    role: e.HUB_ROLE,
    http: {
      host: e.HOST,
      port: e.PORT,
      publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
      bodyLimitBytes: e.BODY_LIMIT_KB * 1024,
    },
    logLevel: e.LOG_LEVEL,
    database: e.DATABASE_URL
      ? {
          kind: 'external',
          url: e.DATABASE_URL,
          poolMax: e.DATABASE_POOL_MAX,
          prepare: e.DATABASE_PREPARE,
          ...(e.DATABASE_REPLICA_URL ? { replica: { url: e.DATABASE_REPLICA_URL, maxLagMs: e.DATABASE_REPLICA_MAX_LAG_MS } } : {}),
        }
      : {
          kind: 'embedded',
          dataDir: path.resolve(e.EMBEDDED_PG_DIR),
          port: e.EMBEDDED_PG_PORT,
          poolMax: e.DATABASE_POOL_MAX,
          prepare: e.DATABASE_PREPARE,
        },
    queue: e.REDIS_URL
      ? { kind: 'bullmq', redisUrl: e.REDIS_URL, prefix: e.REDIS_PREFIX, concurrency }
      : { kind: 'in-process', concurrency },
    sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
    signIn: {
      lockAfter: e.SIGN_IN_LOCK_AFTER,
      lockMs: e.SIGN_IN_LOCK_MINUTES * 60_000,
      delayAfter: e.SIGN_IN_DELAY_AFTER,
      delayMaxMs: e.SIGN_IN_DELAY_MAX_SECONDS * 1_000,
      addressFailuresPerDay: e.SIGN_IN_ADDRESS_FAILURES_PER_DAY,
    },
    exposure: {
      trustProxy: e.TRUST_PROXY,
      metricsToken: e.METRICS_TOKEN,
      metricsAllow: e.METRICS_ALLOW ?? [],
      apiDocsPublic: e.API_DOCS_PUBLIC ?? !e.DATABASE_URL,
      validateResponses: e.API_VALIDATE_RESPONSES,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    // A production database never gets demo users unless asked for explicitly.
    seedDemo: e.SEED_DEMO ?? !e.DATABASE_URL,
    twilio:
      e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN && e.TWILIO_SMS_FROM
        ? {
            accountSid: e.TWILIO_ACCOUNT_SID,
            authToken: e.TWILIO_AUTH_TOKEN,
            smsFrom: e.TWILIO_SMS_FROM,
            apiBase: e.TWILIO_API_BASE?.replace(/\/$/, ''),
            timeoutMs: e.PROVIDER_TIMEOUT_MS,
          }
        : undefined,
    wechat:
      e.WECHAT_APPID && e.WECHAT_SECRET
        ? {
            appId: e.WECHAT_APPID,
            secret: e.WECHAT_SECRET,
            apiBase: e.WECHAT_API_BASE.replace(/\/$/, ''),
            statusTemplateId: e.WECHAT_STATUS_TEMPLATE_ID,
            timeoutMs: e.PROVIDER_TIMEOUT_MS,
          }
        : undefined,
    citizenSessionTtlMs: e.CITIZEN_SESSION_TTL_DAYS * 86_400_000,
    classifierAutoApplyConfidence: e.CLASSIFIER_AUTO_APPLY_CONFIDENCE,
    classifierRetrainMinLabels: e.CLASSIFIER_RETRAIN_MIN_LABELS,
    llm:
      e.OPENAI_API_KEY && e.LLM_ENABLED
        ? {
            baseUrl: e.OPENAI_BASE_URL,
            apiKey: e.OPENAI_API_KEY,
            model: e.LLM_MODEL,
            belowConfidence: e.LLM_BELOW_CONFIDENCE,
            timeoutMs: e.LLM_TIMEOUT_MS,
            maxRetries: e.LLM_MAX_RETRIES,
            dailyCalls: e.LLM_DAILY_CALLS,
            dailyTokens: e.LLM_DAILY_TOKENS,
            redactPii: e.LLM_REDACT_PII,
          }
        : undefined,
    routing: { autoDispatch: e.AUTO_DISPATCH, returnWindowHours: e.RETURN_WINDOW_HOURS, autoAnswer: e.AUTO_ANSWER },
    slack:
      e.SLACK_BOT_TOKEN && e.SLACK_SIGNING_SECRET
        ? {
            botToken: e.SLACK_BOT_TOKEN,
            signingSecret: e.SLACK_SIGNING_SECRET,
            apiUrl: e.SLACK_API_URL,
            supervisorChannel: e.SLACK_SUPERVISOR_CHANNEL,
            timeoutMs: e.PROVIDER_TIMEOUT_MS,
          }
        : undefined,
    workChat: {
      wecom:
        e.WECOM_CORP_ID && e.WECOM_CORP_SECRET && e.WECOM_AGENT_ID
          ? {
              corpId: e.WECOM_CORP_ID,
              corpSecret: e.WECOM_CORP_SECRET,
              agentId: e.WECOM_AGENT_ID,
              apiBase: e.WECOM_API_BASE.replace(/\/$/, ''),
              timeoutMs: e.PROVIDER_TIMEOUT_MS,
            }
          : undefined,
      dingtalk:
        e.DINGTALK_APP_KEY && e.DINGTALK_APP_SECRET && e.DINGTALK_AGENT_ID
          ? {
              appKey: e.DINGTALK_APP_KEY,
              appSecret: e.DINGTALK_APP_SECRET,
              agentId: e.DINGTALK_AGENT_ID,
              apiBase: e.DINGTALK_API_BASE.replace(/\/$/, ''),
              timeoutMs: e.PROVIDER_TIMEOUT_MS,
            }
          : undefined,
    },
    sla: { sweepMs: e.SLA_SWEEP_MS, digestAt: e.SLA_DIGEST_AT },
    callback: { sweepMs: e.CALLBACK_SWEEP_MS },
    proxy: {
      acceptMinutes: e.PROXY_ACCEPT_MINUTES,
      sweepMs: e.PROXY_SWEEP_MS,
      postal:
        e.POSTAL_API_URL && e.POSTAL_API_KEY
          ? { baseUrl: e.POSTAL_API_URL, apiKey: e.POSTAL_API_KEY, timeoutMs: e.PROVIDER_TIMEOUT_MS }
          : undefined,
    },
    media: {
      maxBytes: Math.round(e.MEDIA_MAX_MB * 1024 * 1024),
      store:
        e.MEDIA_S3_BUCKET && e.MEDIA_S3_ACCESS_KEY_ID && e.MEDIA_S3_SECRET_ACCESS_KEY
          ? {
              kind: 's3',
              bucket: e.MEDIA_S3_BUCKET,
              endpoint: e.MEDIA_S3_ENDPOINT,
              region: e.MEDIA_S3_REGION,
              accessKeyId: e.MEDIA_S3_ACCESS_KEY_ID,
              secretAccessKey: e.MEDIA_S3_SECRET_ACCESS_KEY,
              forcePathStyle: e.MEDIA_S3_PATH_STYLE,
              timeoutMs: e.PROVIDER_TIMEOUT_MS,
            }
          : { kind: 'local', dir: path.resolve(e.MEDIA_DIR) },
      fetchHosts: e.MEDIA_FETCH_HOSTS,
      timeoutMs: e.PROVIDER_TIMEOUT_MS,
    },
    outbox: {
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      retryBaseMs: e.OUTBOX_RETRY_BASE_MS,
      sweepMs: e.OUTBOX_SWEEP_MS,
      leaseMs: e.OUTBOX_LEASE_MS,
    },
  };
}
