import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Actor } from '@app/domain';
import { Client } from 'pg';
import { APP_CONFIG, type AppConfig } from '@api/common/config.provider';

/** The channel on which PostgreSQL announces a revoked or deleted key's id (migration 1764900000000). */
export const API_KEY_REVOKED_CHANNEL = 'api_key_revoked';
/** Keys kept at most; the oldest goes first. A bank has a handful; this bounds a flood of distinct keys. */
const MAX_ENTRIES = 10_000;
/** How often the listener's connection is proved alive; a silent one would miss revocations. */
const HEARTBEAT_MS = 5_000;
const RECONNECT_MS = 1_000;

interface Entry {
  readonly keyId: string;
  readonly actor: Actor;
  readonly verifiedAt: number;
}

/**
 * Verified API keys, kept in memory so that a bank system's request costs no lookup, with
 * revocation as exact as the lookup's: every API process LISTENs on `api_key_revoked`, which
 * a trigger NOTIFYs at the commit of any revocation, and drops the key at once. While the
 * listener is not connected (PostgreSQL restarting, a network cut) nothing is kept and every
 * request looks its key up, because a revocation could be missed then. An answer looked up
 * while a revocation arrived is not kept (`ticket`), and an entry is verified again after
 * API_KEY_CACHE_SECONDS (which also keeps `last_used_at` current to the minute).
 */
@Injectable()
export class ApiKeyCache implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ApiKeyCache.name);
  private readonly ttlMs: number;
  /** by the key's SHA-256 (base64) */
  private readonly entries = new Map<string, Entry>();
  /** moves on every revocation and every loss and return of the listener: answers looked up across a move are not kept */
  private epoch = 0;
  private listening = false;
  private stopped = false;
  private listener: Client | null = null;
  private loop: Promise<void> | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.ttlMs = config.apiKeyCacheSeconds * 1_000;
  }

  onApplicationBootstrap(): void {
    if (this.ttlMs > 0) this.loop = this.listen();
  }

  /** Whether verified keys are being kept now (the revocation signal is connected). */
  get active(): boolean {
    return this.listening;
  }

  get(hash: string): Actor | null {
    const entry = this.entries.get(hash);
    if (!entry) return null;
    if (!this.listening || Date.now() - entry.verifiedAt >= this.ttlMs) {
      this.entries.delete(hash);
      return null;
    }
    return entry.actor;
  }

  /** Taken before a lookup, handed to `put` with its answer. */
  ticket(): number {
    return this.epoch;
  }

  put(hash: string, keyId: string, actor: Actor, ticket: number): void {
    if (!this.listening || ticket !== this.epoch) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(hash, { keyId, actor, verifiedAt: Date.now() });
  }

  /** Drops a key at once (its revocation in this process; the NOTIFY does the same for every process). */
  forget(keyId: string): void {
    this.epoch++;
    for (const [hash, entry] of this.entries) if (entry.keyId === keyId) this.entries.delete(hash);
  }

  private stopKeeping(): void {
    this.listening = false;
    this.epoch++;
    this.entries.clear();
  }

  private async listen(): Promise<void> {
    let lostOnce = false;
    while (!this.stopped) {
      const client = new Client({
        connectionString: this.config.databaseUrl,
        // the process id tells an operator (and a test) whose listener a connection is
        application_name: `credit-alliance-api-key-listener:${process.pid}`,
        connectionTimeoutMillis: 2_000,
        query_timeout: 2_000,
      });
      let heartbeat: NodeJS.Timeout | null = null;
      try {
        await client.connect();
        this.listener = client;
        const closed = new Promise<void>((resolve) => {
          client.once('end', resolve);
          client.once('error', () => resolve());
        });
        client.on('notification', (message) => {
          if (message.channel === API_KEY_REVOKED_CHANNEL && message.payload) this.forget(message.payload);
        });
        await client.query(`LISTEN ${API_KEY_REVOKED_CHANNEL}`);
        if (this.stopped) break;
        // a lookup begun while nobody listened may have read a key that a revocation
        // (committed before the LISTEN, so never signalled here) has revoked since: its
        // answer is not kept
        this.epoch++;
        this.listening = true;
        if (lostOnce) this.logger.log('API key revocation signal connected again: verified keys are kept in memory');
        heartbeat = setInterval(() => {
          client.query('SELECT 1').catch(() => client.end().catch(() => undefined));
        }, HEARTBEAT_MS).unref();
        await closed;
      } catch {
        // PostgreSQL unreachable: keys are looked up on every request meanwhile
      } finally {
        if (heartbeat) clearInterval(heartbeat);
        if (this.listening && !this.stopped) {
          this.logger.warn('API key revocation signal lost: every request looks its key up until it is back');
          lostOnce = true;
        }
        this.stopKeeping();
        this.listener = null;
        await client.end().catch(() => undefined);
      }
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS).unref());
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopKeeping();
    await this.listener?.end().catch(() => undefined);
    await this.loop;
  }
}
