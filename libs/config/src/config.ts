import { randomBytes } from 'node:crypto';
import { BadInputError, parseEmail, passwordProblem } from '@app/domain';

/**
 * The platform's configuration: every variable of shared/api/README.md plus the tuning
 * knobs of our own, read from the environment once at start (only this lib reads
 * `process.env`). An invalid value is a start-up failure naming the variable.
 */
export interface AppConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly queuePrefix: string;
  readonly port: number;
  readonly host: string;
  readonly jwt: {
    readonly secret: string;
    /** true when no JWT_SECRET was given and a random one is used for this process */
    readonly generated: boolean;
    readonly issuer: string;
    readonly audience: string;
    readonly accessTtlSeconds: number;
    readonly refreshTtlSeconds: number;
  };
  /**
   * how long the API keeps a verified API key in memory (API_KEY_CACHE_SECONDS, default 60;
   * 0: looked up on every request); revocation reaches every API process at once by NOTIFY
   */
  readonly apiKeyCacheSeconds: number;
  readonly bootstrapAdmin: { readonly email: string; readonly password: string } | null;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly login: { readonly maxFailuresPerAccount: number; readonly maxFailuresPerAddress: number; readonly windowSeconds: number };
  readonly graphql: {
    readonly maxDepth: number;
    readonly maxComplexity: number;
    readonly maxAliases: number;
    /** operations executed by graphql-jit instead of graphql-js (GRAPHQL_JIT, default on) */
    readonly jit: boolean;
  };
  readonly dbPoolSize: number;
  readonly records: {
    /** days between the notice of negative information and its counting (issue 3; default 7) */
    readonly noticePeriodDays: number;
    /** the largest CSV an import accepts, in bytes */
    readonly maxImportBytes: number;
  };
  readonly worker: {
    readonly concurrency: number;
    /** the worker's readiness fails when jobs have waited this long with none running */
    readonly stuckAfterSeconds: number;
    readonly healthPort: number;
    /** a job whose worker stopped renewing its lock this long ago is taken over (BullMQ lockDuration) */
    readonly lockDurationMs: number;
    /** how often a worker looks for jobs whose lock expired (BullMQ stalledInterval) */
    readonly stalledIntervalMs: number;
    /** a job taken over from dead workers more often than this fails (BullMQ maxStalledCount) */
    readonly maxStalledCount: number;
    /** readiness fails on a Redis without the append-only file (REDIS_REQUIRE_AOF; docker/compose.yml turns it on) */
    readonly requireRedisAof: boolean;
  };
  /** the recompute pipeline (docs/pipeline.md) */
  readonly pipeline: {
    /** cron of the full recompute of every company and standing (China Standard Time: the quiet hours) */
    readonly fullRecomputeCron: string;
    /** cron of the daily maintenance: time-driven changes (expiries, notice periods, consents), in UTC, the records' calendar */
    readonly dailyMaintenanceCron: string;
    /** companies per chunk of the full recompute */
    readonly chunkSize: number;
    /** how many full-recompute jobs share one run (each may go to another worker) */
    readonly fullRecomputeLanes: number;
    /** a score move of at least this many points (or any grade change) is a RatingChanged event */
    readonly ratingEventMinPoints: number;
    /** the outbox relay's poll when no NOTIFY wakes it, ms */
    readonly relayIntervalMs: number;
    /** outbox rows moved to BullMQ per relay transaction */
    readonly relayBatch: number;
    /** run the relay and the schedulers in this worker (several workers may: SKIP LOCKED, idempotent schedulers) */
    readonly schedulesEnabled: boolean;
    /** how often such a worker checks that the schedulers are still in Redis and sets any that are gone, ms */
    readonly schedulersCheckIntervalMs: number;
  };
  readonly bankAccess: {
    /** exponential backoff seed of webhook deliveries, ms: seed, 2*seed, 4*seed..., each wait at most 6 h */
    readonly webhookBackoffMs: number;
    readonly webhookAttempts: number;
    /** how long one webhook POST may take */
    readonly webhookTimeoutMs: number;
    /** how long connecting to a receiver (DNS, TCP) may take, within webhookTimeoutMs */
    readonly webhookConnectTimeoutMs: number;
    /** webhook POSTs in flight at once to one endpoint, over all workers: a hanging receiver holds no more slots */
    readonly webhookEndpointConcurrency: number;
    /** http:// webhook URLs (a local receiver): outside production only */
    readonly allowHttpWebhooks: boolean;
    /** how often the worker chains new inquiries into the audit log */
    readonly inquirySealIntervalMs: number;
    /** a CJK TrueType font for credit-report PDFs; the bundled one when unset */
    readonly reportFontPath: string | null;
    /**
     * bank rating reads in flight at once per API process; reads arriving meanwhile wait and
     * share the next statement (and its commit): see RatingReadBatcher
     */
    readonly readStatementsInFlight: number;
  };
  /** partner checks (give to get): the defaults of a consortium that has not set its own rules */
  readonly partnerChecks: {
    /** a member may check partners while it has reported trade experiences in this many months */
    readonly contributionWindowMonths: number;
    /** how many trade lines it must have reported in that window */
    readonly minTradeLines: number;
    /** checks one member company may make per day (China Standard Time) */
    readonly dailyLimit: number;
  };
  /** the public credit profile pages (/p/<slug>) and badges */
  readonly publicProfiles: {
    /** the address the public reaches the API at, for the links in badges and pages */
    readonly baseUrl: string;
    /** requests per address per window to /p/..., then 429 */
    readonly rateLimit: number;
    readonly rateWindowSeconds: number;
    /** how long one API process reuses a rendered page; 0 renders every request */
    readonly cacheMs: number;
  };
  /** the web console's server (apps/web) */
  readonly web: {
    readonly port: number;
    /** where the console forwards `/graphql`: the API's base URL, without a path */
    readonly apiUrl: string;
    /**
     * WEB_TRUST_PROXY: the proxies in front of the console (a TLS terminator) that may name
     * the browser's address; apart from TRUST_PROXY, which the API uses to trust the console
     */
    readonly trustProxy: false | readonly string[];
  };
  /**
   * Which proxies in front of this process may name the client's address in
   * X-Forwarded-For (Fastify's `trustProxy`): false for none, or addresses, CIDR ranges and
   * the names `loopback`, `linklocal`, `uniquelocal`. The API needs it behind the console,
   * or every browser shares the console's address for the sign-in limits.
   */
  readonly trustProxy: false | readonly string[];
  /**
   * METRICS_TOKEN: when set, the API's `/metrics` answers only `Authorization: Bearer <token>`
   * (it names process, heap and error internals, on the public port); null leaves it open,
   * as before, for a scraper that reaches the API only on a private network
   */
  readonly metricsToken: string | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

type Env = Readonly<Record<string, string | undefined>>;

interface Reader {
  problems: string[];
  env: Env;
}

function read(r: Reader, name: string): string | undefined {
  const value = r.env[name];
  return value === undefined || value === '' ? undefined : value;
}

function url(r: Reader, name: string, fallback: string, protocols: readonly string[]): string {
  const value = read(r, name) ?? fallback;
  try {
    const parsed = new URL(value);
    if (!protocols.includes(parsed.protocol)) {
      r.problems.push(`${name}: must be a ${protocols.map((p) => p.replace(':', '://')).join(' or ')} URL, got protocol "${parsed.protocol}"`);
    } else if (!parsed.hostname) {
      r.problems.push(`${name}: the URL has no host`);
    }
  } catch {
    r.problems.push(`${name}: not a valid URL`);
  }
  return value;
}

function int(r: Reader, name: string, fallback: number, min: number, max: number): number {
  const raw = read(r, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) {
    r.problems.push(`${name}: must be a whole number between ${min} and ${max}, got "${raw}"`);
    return fallback;
  }
  const value = Number(raw);
  if (value < min || value > max) r.problems.push(`${name}: must be between ${min} and ${max}, got ${value}`);
  return value;
}

function bool(r: Reader, name: string, fallback: boolean): boolean {
  const raw = read(r, name);
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  r.problems.push(`${name}: must be true or false, got "${raw}"`);
  return fallback;
}

/** Five cron fields (minute hour day month weekday) of digits, `*`, `/`, `,` and `-`. */
function cron(r: Reader, name: string, fallback: string): string {
  const value = (read(r, name) ?? fallback).trim();
  const fields = value.split(/\s+/);
  if (fields.length !== 5 || !fields.every((f) => /^[\d*/,-]+$/.test(f))) {
    r.problems.push(`${name}: must be a cron expression of five fields (minute hour day month weekday), got "${value}"`);
    return fallback;
  }
  return value;
}

function oneOf<T extends string>(r: Reader, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = read(r, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    r.problems.push(`${name}: must be one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  }
  return raw as T;
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/**
 * BOOTSTRAP_ADMIN_EMAIL as createUser takes an email and sign-in reads one (at most 254
 * characters, trimmed, lower case), or undefined with the problem noted.
 */
function bootstrapAdminEmail(r: Reader, raw: string): string | undefined {
  try {
    return parseEmail('BOOTSTRAP_ADMIN_EMAIL', raw);
  } catch (error) {
    if (!(error instanceof BadInputError)) throw error;
    r.problems.push(`BOOTSTRAP_ADMIN_EMAIL: ${error.message.replace(/^BOOTSTRAP_ADMIN_EMAIL /, '')}`);
    return undefined;
  }
}

function proxyList(r: Reader, name: string): false | readonly string[] {
  const raw = read(r, name);
  if (raw === undefined || raw === 'false') return false;
  const entries = raw.split(',').map((e) => e.trim()).filter((e) => e !== '');
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const v4 = IPV4.test(address);
    const v6 = !v4 && /^[0-9a-fA-F:]+$/.test(address) && address.includes(':');
    const maxBits = v4 ? 32 : 128;
    const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (!PROXY_NAMES.includes(entry) && (!(v4 || v6) || !bitsOk || extra !== undefined)) {
      r.problems.push(`${name}: "${entry}" is not an IP address, a CIDR range or one of ${PROXY_NAMES.join(', ')}`);
    }
  }
  if (entries.length === 0) r.problems.push(`${name}: give addresses or ranges separated by commas, or false`);
  return entries;
}

function baseUrl(r: Reader, name: string, fallback: string): string {
  const value = url(r, name, fallback, ['http:', 'https:']);
  try {
    const parsed = new URL(value);
    if (parsed.pathname !== '/' || parsed.search || parsed.hash || parsed.username || parsed.password) {
      r.problems.push(`${name}: give the base URL only (scheme, host and port), got "${value}"`);
    }
    return parsed.origin;
  } catch {
    return value;
  }
}

export interface LoadOptions {
  /**
   * false for a process that neither signs nor verifies tokens (the web console): it then
   * starts in production without JWT_SECRET, so the secret need not be handed to it
   */
  readonly requireJwtSecret?: boolean;
}

/** Reads and checks the whole configuration; throws ConfigError listing every problem. */
export function loadConfig(env: Env, options: LoadOptions = {}): AppConfig {
  const r: Reader = { problems: [], env };
  const nodeEnv = oneOf(r, 'NODE_ENV', 'development', ['development', 'production', 'test'] as const);

  const databaseUrl = url(r, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/credit_alliance', ['postgres:', 'postgresql:']);
  const redisUrl = url(r, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']);

  const queuePrefix = read(r, 'QUEUE_PREFIX') ?? 'ca';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(queuePrefix)) {
    r.problems.push('QUEUE_PREFIX: use 1-64 letters, digits, "_", "." or "-" (no ":", which BullMQ uses as a separator)');
  }

  const port = int(r, 'PORT', 3000, 1, 65535);
  const host = read(r, 'HOST') ?? '0.0.0.0';

  const givenSecret = read(r, 'JWT_SECRET');
  if (givenSecret !== undefined && Buffer.byteLength(givenSecret) < 32) {
    r.problems.push('JWT_SECRET: too short; use at least 32 characters (256 bits) of random text');
  }
  if (givenSecret === undefined && nodeEnv === 'production' && options.requireJwtSecret !== false) {
    r.problems.push('JWT_SECRET: required when NODE_ENV=production');
  }

  const metricsToken = read(r, 'METRICS_TOKEN') ?? null;
  if (metricsToken !== null && !/^[\x21-\x7e]{16,}$/.test(metricsToken)) {
    r.problems.push('METRICS_TOKEN: use at least 16 printable ASCII characters, no spaces (it is sent as a bearer token)');
  }

  const adminEmail = read(r, 'BOOTSTRAP_ADMIN_EMAIL');
  const adminPassword = read(r, 'BOOTSTRAP_ADMIN_PASSWORD');
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    r.problems.push('BOOTSTRAP_ADMIN_EMAIL / BOOTSTRAP_ADMIN_PASSWORD: set both or neither');
  }
  // the rules of createUser and sign-in: an ADMIN created from these can sign in (a 300-character
  // password or email was taken here, and sign-in refused it for good)
  const bootstrapEmail = adminEmail === undefined ? undefined : bootstrapAdminEmail(r, adminEmail);
  const passwordWrong = adminPassword === undefined ? null : passwordProblem(adminPassword);
  if (passwordWrong) r.problems.push(`BOOTSTRAP_ADMIN_PASSWORD: ${passwordWrong}`);

  const config: AppConfig = {
    nodeEnv,
    databaseUrl,
    redisUrl,
    queuePrefix,
    port,
    host,
    jwt: {
      secret: givenSecret ?? randomBytes(48).toString('base64url'),
      generated: givenSecret === undefined,
      issuer: 'credit-alliance',
      audience: 'credit-alliance-api',
      // at most 15 minutes: an access token is not revocable before it expires (RFC 9700 4.10)
      accessTtlSeconds: int(r, 'ACCESS_TOKEN_TTL_SECONDS', 900, 60, 900),
      refreshTtlSeconds: int(r, 'REFRESH_TOKEN_TTL_SECONDS', 30 * 86400, 3600, 90 * 86400),
    },
    apiKeyCacheSeconds: int(r, 'API_KEY_CACHE_SECONDS', 60, 0, 3600),
    bootstrapAdmin: bootstrapEmail && adminPassword ? { email: bootstrapEmail, password: adminPassword } : null,
    logLevel: oneOf(r, 'LOG_LEVEL', nodeEnv === 'test' ? 'warn' : 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    login: {
      maxFailuresPerAccount: int(r, 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 5, 1, 1000),
      maxFailuresPerAddress: int(r, 'LOGIN_MAX_FAILURES_PER_ADDRESS', 20, 1, 100000),
      windowSeconds: int(r, 'LOGIN_FAILURE_WINDOW_SECONDS', 900, 10, 86400),
    },
    graphql: {
      maxDepth: int(r, 'GRAPHQL_MAX_DEPTH', 10, 2, 50),
      maxComplexity: int(r, 'GRAPHQL_MAX_COMPLEXITY', 2000, 10, 1_000_000),
      maxAliases: int(r, 'GRAPHQL_MAX_ALIASES', 30, 1, 1000),
      jit: bool(r, 'GRAPHQL_JIT', true),
    },
    dbPoolSize: int(r, 'DB_POOL_SIZE', 10, 1, 200),
    records: {
      noticePeriodDays: int(r, 'NEGATIVE_NOTICE_DAYS', 7, 0, 90),
      maxImportBytes: int(r, 'MAX_IMPORT_BYTES', 1024 * 1024 * 1024, 1024, 16 * 1024 * 1024 * 1024),
    },
    worker: {
      concurrency: int(r, 'WORKER_CONCURRENCY', 8, 1, 256),
      stuckAfterSeconds: int(r, 'WORKER_STUCK_AFTER_SECONDS', 60, 5, 3600),
      healthPort: int(r, 'WORKER_HEALTH_PORT', 3001, 0, 65535),
      lockDurationMs: int(r, 'WORKER_LOCK_DURATION_MS', 30_000, 1_000, 600_000),
      stalledIntervalMs: int(r, 'WORKER_STALLED_INTERVAL_MS', 30_000, 1_000, 600_000),
      maxStalledCount: int(r, 'WORKER_MAX_STALLED_COUNT', 3, 1, 1000),
      requireRedisAof: bool(r, 'REDIS_REQUIRE_AOF', false),
    },
    pipeline: {
      fullRecomputeCron: cron(r, 'FULL_RECOMPUTE_CRON', '0 2 * * *'),
      dailyMaintenanceCron: cron(r, 'DAILY_MAINTENANCE_CRON', '5 0 * * *'),
      chunkSize: int(r, 'FULL_RECOMPUTE_CHUNK_SIZE', 500, 1, 10_000),
      fullRecomputeLanes: int(r, 'FULL_RECOMPUTE_LANES', 4, 1, 64),
      ratingEventMinPoints: int(r, 'RATING_EVENT_MIN_POINTS', 20, 1, 600),
      relayIntervalMs: int(r, 'OUTBOX_RELAY_INTERVAL_MS', 1_000, 10, 60_000),
      relayBatch: int(r, 'OUTBOX_RELAY_BATCH', 500, 1, 10_000),
      schedulesEnabled: bool(r, 'PIPELINE_SCHEDULES', true),
      schedulersCheckIntervalMs: int(r, 'SCHEDULERS_CHECK_INTERVAL_MS', 300_000, 100, 3_600_000),
    },
    bankAccess: {
      // 30 s doubling over 12 attempts, each wait at most 6 h (JOBS backoffCapMs): the last
      // retry comes about 14.5 hours after the first attempt
      webhookBackoffMs: int(r, 'WEBHOOK_BACKOFF_MS', 30_000, 1, 3_600_000),
      webhookAttempts: int(r, 'WEBHOOK_ATTEMPTS', 12, 1, 50),
      webhookTimeoutMs: int(r, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
      webhookConnectTimeoutMs: int(r, 'WEBHOOK_CONNECT_TIMEOUT_MS', 3_000, 50, 60_000),
      webhookEndpointConcurrency: int(r, 'WEBHOOK_ENDPOINT_CONCURRENCY', 2, 1, 100),
      allowHttpWebhooks: nodeEnv !== 'production',
      inquirySealIntervalMs: int(r, 'INQUIRY_SEAL_INTERVAL_MS', 1_000, 10, 600_000),
      reportFontPath: read(r, 'REPORT_FONT_PATH') ?? null,
      readStatementsInFlight: int(r, 'BANK_READ_STATEMENTS', 2, 1, 64),
    },
    partnerChecks: {
      contributionWindowMonths: int(r, 'PARTNER_CHECK_WINDOW_MONTHS', 12, 1, 60),
      minTradeLines: int(r, 'PARTNER_CHECK_MIN_TRADE_LINES', 1, 1, 10_000),
      dailyLimit: int(r, 'PARTNER_CHECK_DAILY_LIMIT', 20, 1, 10_000),
    },
    publicProfiles: {
      // the links in badges and pages; the local API unless PUBLIC_BASE_URL names the public address
      baseUrl: read(r, 'PUBLIC_BASE_URL') === undefined ? `http://localhost:${port}` : baseUrl(r, 'PUBLIC_BASE_URL', ''),
      rateLimit: int(r, 'PUBLIC_PAGE_RATE_LIMIT', 120, 1, 1_000_000_000),
      rateWindowSeconds: int(r, 'PUBLIC_PAGE_RATE_WINDOW_SECONDS', 60, 1, 86_400),
      cacheMs: int(r, 'PUBLIC_PAGE_CACHE_MS', 2_000, 0, 60_000),
    },
    web: {
      port: int(r, 'WEB_PORT', 3002, 0, 65535),
      apiUrl: baseUrl(r, 'API_URL', 'http://127.0.0.1:3000'),
      trustProxy: proxyList(r, 'WEB_TRUST_PROXY'),
    },
    trustProxy: proxyList(r, 'TRUST_PROXY'),
    metricsToken,
  };

  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/**
 * For a process's start: the configuration, or one line per bad variable on stderr and
 * exit code 1. Nothing starts on a half-valid configuration.
 */
export function loadConfigOrExit(env: Env = process.env, options: LoadOptions = {}): AppConfig {
  try {
    return loadConfig(env, options);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const line of error.problems) process.stderr.write(`configuration error: ${line}\n`);
      process.exit(1);
    }
    throw error;
  }
}
