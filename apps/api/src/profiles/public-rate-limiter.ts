import { isIPv4, isIPv6 } from 'node:net';
import type IORedis from 'ioredis';

/**
 * The key one address is counted under. IPv6 goes by its /64: one subscriber usually holds
 * a whole /64 and could otherwise rotate through it. IPv4-mapped IPv6 is the IPv4 address.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped && isIPv4(mapped[1])) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

// INCR, and set the expiry with the first count: one round trip, atomic
const TAKE = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n`;

interface RateRedis extends IORedis {
  caPublicRateTake(key: string, ttlSeconds: number): Promise<number>;
}

export interface RateDecision {
  readonly allowed: boolean;
  /** seconds until the window ends, for Retry-After */
  readonly retryAfterSeconds: number;
}

/**
 * Fixed-window limit of requests per address, counted in Redis so that every API process
 * shares it. If Redis does not answer, each process counts on its own (a limit per process
 * beats none, and the pages keep being served).
 */
export class PublicRateLimiter {
  private local = new Map<string, number>();
  private localWindow = -1;
  private readonly redis: RateRedis;

  constructor(
    redis: IORedis,
    private readonly prefix: string,
    private readonly limit: number,
    private readonly windowSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!('caPublicRateTake' in redis)) redis.defineCommand('caPublicRateTake', { numberOfKeys: 1, lua: TAKE });
    this.redis = redis as RateRedis;
  }

  async take(ip: string): Promise<RateDecision> {
    const at = this.now() / 1000;
    const window = Math.floor(at / this.windowSeconds);
    const retryAfterSeconds = Math.max(1, Math.ceil((window + 1) * this.windowSeconds - at));
    const who = addressKey(ip);
    let count: number;
    try {
      count = await this.redis.caPublicRateTake(`${this.prefix}:public-rate:${window}:${who}`, this.windowSeconds * 2);
    } catch {
      count = this.takeLocally(who, window);
    }
    return { allowed: count <= this.limit, retryAfterSeconds };
  }

  private takeLocally(who: string, window: number): number {
    if (window !== this.localWindow) {
      this.local = new Map();
      this.localWindow = window;
    }
    const count = (this.local.get(who) ?? 0) + 1;
    this.local.set(who, count);
    return count;
  }
}
