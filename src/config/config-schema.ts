import { z } from 'zod';

const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])]).transform((v) =>
  typeof v === 'boolean' ? v : ['true', '1', 'yes'].includes(v),
);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = z.string().regex(/^(https?|wss?):\/\/\S+$/, 'http_url');
/** `08:30-18:00`, or `always` for no quiet hours. */
const sendWindow = z.string().regex(/^(always|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)$/, 'send_window');
/** Per message kind (cadence key, or reply / notify): its own send window and how late it may still go out. */
const deliveryPolicy = z.record(z.string(), z.object({ window: sendWindow.optional(), staleAfterMinutes: z.number().int().min(0).optional() }).strict());

/**
 * Every setting, its default and its meaning. Keys are camelCase in the config file; each has an
 * environment variable (see ENV_KEYS) that overrides the file.
 */
export const configSchema = z.object({
  /** Postgres connection string; unset → embedded PGlite in `dataDir`. */
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'postgres_url').optional(),
  /** Folder for the embedded database, logs, login QR and evidence files. */
  dataDir: z.string().min(1).default('./data'),
  /** Redis for BullMQ; unset → in-process node-cron scheduler. */
  redisUrl: z.string().regex(/^rediss?:\/\/\S+$/, 'redis_url').optional(),
  /** BullMQ key prefix: one per deployment sharing a Redis. */
  queuePrefix: z.string().regex(/^[A-Za-z0-9_-]+$/, 'queue_prefix').default('duban'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Structured log file; empty → stderr. */
  logFile: z.string().default(''),
  timezone: z.literal('Asia/Shanghai').default('Asia/Shanghai'),
  /** Chat channel: wechaty (personal WeChat via a puppet), wecom (企业微信/政务微信 智能机器人), dingtalk (钉钉 enterprise robot). */
  channel: z.enum(['wechaty', 'wecom', 'dingtalk']).default('wechaty'),
  /** WeCom 智能机器人 (long connection): bot id and secret from the admin console, and the address (政务微信 has its own). */
  wecomBotId: z.string().min(1).optional(),
  wecomBotSecret: z.string().min(1).optional(),
  wecomWsUrl: url.optional(),
  /** DingTalk enterprise app robot (Stream mode): the app's Client ID / Client Secret, the robot code, and addresses (专有钉钉, tests). */
  dingtalkClientId: z.string().min(1).optional(),
  dingtalkClientSecret: z.string().min(1).optional(),
  dingtalkRobotCode: z.string().min(1).optional(),
  dingtalkGatewayUrl: url.optional(),
  dingtalkApiUrl: url.optional(),
  dingtalkOapiUrl: url.optional(),
  /** Working hours for pushes on workdays (Shanghai time); outside them messages wait for the next window. */
  sendWindow: sendWindow.default('08:30-18:00'),
  /** Overrides per message kind, e.g. {"weekly_digest":{"window":"08:30-20:00","staleAfterMinutes":1440}}. */
  deliveryPolicy: z
    .unknown()
    .optional()
    .transform((v, ctx): z.infer<typeof deliveryPolicy> => {
      let value = v;
      if (typeof v === 'string') {
        try {
          value = JSON.parse(v);
        } catch {
          value = undefined;
        }
      }
      const r = deliveryPolicy.safeParse(value ?? (v === undefined ? {} : null));
      if (r.success) return r.data;
      ctx.addIssue({ code: 'custom', message: '应为 JSON 对象，例如 {"weekly_digest":{"window":"08:30-20:00","staleAfterMinutes":570}}' });
      return z.NEVER;
    }),
  /** Second path for admin alerts when the chat channel is down: a WeCom/DingTalk group-robot webhook URL. */
  alertWebhookUrl: url.optional(),
  /** Minutes a channel may be down (or rate-limited) before admins are alerted through the second path. */
  channelDownAlertMinutes: int(1, 24 * 60).default(15),
  /** Chat puppet: mock (demo, tests), wechat4u (personal account), service (token). */
  puppet: z.enum(['mock', 'wechat4u', 'service']).default('mock'),
  puppetToken: z.string().optional(),
  botName: z.string().min(1).default('督办助手'),
  /** Run the demo (simulated unit groups that answer) — default on with the mock puppet. */
  demo: bool.optional(),
  /** Outbound pacing: messages per minute per account, and random extra delay. */
  sendPerMinute: int(0, 60).default(6),
  sendJitterMs: int(0, 600_000).default(3_000),
  sendMaxAttempts: int(1, 100).default(8),
  /** Slots missed while down are run late only within this window; older ones are reported. */
  missedGraceMinutes: int(0, 7 * 24 * 60).default(120),
  /** HTTP port for /healthz; 0 disables it. */
  httpPort: int(0, 65535).default(8080),
  /** Address the HTTP server (health and web console) listens on: loopback unless the operator opens it. */
  httpHost: z.string().min(1).default('127.0.0.1'),
  /** The console's address as people reach it (behind a proxy), for login links; default http://127.0.0.1:<port>. */
  consoleUrl: z.string().url().optional(),
  unitsFile: z.string().default('config/units.json'),
  cadenceFile: z.string().default('config/cadences.json'),
  calendarOverrideFile: z.string().default('config/calendar-overrides.json'),
  templatesFile: z.string().default('config/templates.json'),
  /** Demo plan loaded into an empty database on start. */
  demoPlanFile: z.string().default('demo/plan.json'),
  /** Chat ids or names of admins (may also be set in the database). */
  admins: z
    .union([z.array(z.string()), z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))])
    .default([]),
});

/** Each channel's required settings, checked once at load; messages name the environment variables. */
export const channelSchema = configSchema.superRefine((c, ctx) => {
  const need = (keys: (keyof typeof c)[], what: string) => {
    for (const k of keys) if (!c[k]) ctx.addIssue({ code: 'custom', path: [k], message: `${what}需要设置 ${ENV_KEYS[k as keyof typeof ENV_KEYS]}` });
  };
  if (c.channel === 'wecom') need(['wecomBotId', 'wecomBotSecret'], 'DUBAN_CHANNEL=wecom ');
  if (c.channel === 'dingtalk') need(['dingtalkClientId', 'dingtalkClientSecret'], 'DUBAN_CHANNEL=dingtalk ');
});

export type Config = Readonly<z.infer<typeof configSchema>>;

/** Environment variable for each config key. */
export const ENV_KEYS: Record<keyof z.infer<typeof configSchema>, string> = {
  databaseUrl: 'DATABASE_URL',
  dataDir: 'DUBAN_DATA_DIR',
  redisUrl: 'REDIS_URL',
  queuePrefix: 'DUBAN_QUEUE_PREFIX',
  logLevel: 'LOG_LEVEL',
  logFile: 'LOG_FILE',
  timezone: 'DUBAN_TIMEZONE',
  channel: 'DUBAN_CHANNEL',
  wecomBotId: 'WECOM_BOT_ID',
  wecomBotSecret: 'WECOM_BOT_SECRET',
  wecomWsUrl: 'WECOM_WS_URL',
  dingtalkClientId: 'DINGTALK_CLIENT_ID',
  dingtalkClientSecret: 'DINGTALK_CLIENT_SECRET',
  dingtalkRobotCode: 'DINGTALK_ROBOT_CODE',
  dingtalkGatewayUrl: 'DINGTALK_GATEWAY_URL',
  dingtalkApiUrl: 'DINGTALK_API_URL',
  dingtalkOapiUrl: 'DINGTALK_OAPI_URL',
  sendWindow: 'DUBAN_SEND_WINDOW',
  deliveryPolicy: 'DUBAN_DELIVERY_POLICY',
  alertWebhookUrl: 'DUBAN_ALERT_WEBHOOK_URL',
  channelDownAlertMinutes: 'DUBAN_CHANNEL_DOWN_ALERT_MINUTES',
  puppet: 'WECHATY_PUPPET',
  puppetToken: 'WECHATY_PUPPET_SERVICE_TOKEN',
  botName: 'DUBAN_BOT_NAME',
  demo: 'DUBAN_DEMO',
  sendPerMinute: 'DUBAN_SEND_PER_MINUTE',
  sendJitterMs: 'DUBAN_SEND_JITTER_MS',
  sendMaxAttempts: 'DUBAN_SEND_MAX_ATTEMPTS',
  missedGraceMinutes: 'DUBAN_MISSED_GRACE_MINUTES',
  httpPort: 'DUBAN_HTTP_PORT',
  httpHost: 'DUBAN_HTTP_HOST',
  consoleUrl: 'DUBAN_CONSOLE_URL',
  unitsFile: 'DUBAN_UNITS_FILE',
  cadenceFile: 'DUBAN_CADENCE_FILE',
  calendarOverrideFile: 'DUBAN_CALENDAR_OVERRIDE_FILE',
  templatesFile: 'DUBAN_TEMPLATES_FILE',
  demoPlanFile: 'DUBAN_DEMO_PLAN_FILE',
  admins: 'DUBAN_ADMINS',
};
