import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { type Actor, Clock, SystemClock, UnauthenticatedError } from '@app/domain';
import { ApiKeyRepository, PersistenceModule } from '@app/persistence';
import { Factories, testConfig } from '@app/testing';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '@api/common/config.provider';
import { PolicyModule } from '@api/policy/policy.module';
import { ApiKeyCache } from './api-key-cache';
import { ApiKeyService } from './api-key.service';

const config = testConfig({ API_KEY_CACHE_SECONDS: '60' });

@Global()
@Module({ providers: [{ provide: APP_CONFIG, useValue: config }, { provide: Clock, useClass: SystemClock }], exports: [APP_CONFIG, Clock] })
class TestCoreModule {}

async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('API keys kept in memory, revoked everywhere at once (real PostgreSQL, LISTEN/NOTIFY)', () => {
  let moduleRef: TestingModule;
  let keys: ApiKeyService;
  let cache: ApiKeyCache;
  let ds: DataSource;
  let admin: Actor;
  let bankId: string;
  let lookups: ReturnType<typeof jest.spyOn>;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [TestCoreModule, PersistenceModule.forRoot(config, 'api-key-cache-int-spec'), PolicyModule],
      providers: [ApiKeyCache, ApiKeyService],
    }).compile();
    await moduleRef.init();
    keys = moduleRef.get(ApiKeyService);
    cache = moduleRef.get(ApiKeyCache);
    ds = moduleRef.get(DataSource);
    const f = new Factories(ds);
    bankId = (await f.bank()).id;
    const user = await f.user('ADMIN');
    admin = { kind: 'user', id: user.id, role: 'ADMIN', companyId: null, consortiumId: null, bankId: null };
    // counts the lookups in PostgreSQL (the lookup itself runs)
    lookups = jest.spyOn(moduleRef.get(ApiKeyRepository), 'findActiveByHash');
    await until('the revocation listener is connected', () => cache.active);
  });
  afterAll(async () => moduleRef.close());

  const newKey = async (): Promise<{ id: string; secret: string }> => {
    const { key, secret } = await keys.create(admin, bankId, 'core banking');
    return { id: key.id, secret };
  };
  const refused = async (secret: string): Promise<boolean> =>
    keys.authenticate(secret).then(
      () => false,
      (error: unknown) => {
        if (error instanceof UnauthenticatedError) return true;
        throw error;
      },
    );
  const ourListener = async (): Promise<number | null> => {
    const rows: { pid: number }[] = await ds.query(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
      [`credit-alliance-api-key-listener:${process.pid}`],
    );
    return rows[0]?.pid ?? null;
  };

  it('looks a key up once, then answers from memory as the same bank', async () => {
    const { id, secret } = await newKey();
    lookups.mockClear();
    const first = await keys.authenticate(secret);
    const second = await keys.authenticate(secret);
    expect(second).toEqual(first);
    expect(second).toMatchObject({ kind: 'apiKey', id, role: 'BANK', bankId });
    expect(lookups).toHaveBeenCalledTimes(1);
    // an unknown key is never kept: each attempt is looked up and refused
    lookups.mockClear();
    expect(await refused(`${secret.slice(0, -2)}xx`)).toBe(true);
    expect(await refused(`${secret.slice(0, -2)}xx`)).toBe(true);
    expect(lookups).toHaveBeenCalledTimes(2);
  });

  it('refuses a key revoked by another process (a bare UPDATE on another connection) within moments, and from then on', async () => {
    const { id, secret } = await newKey();
    await keys.authenticate(secret);
    expect(await refused(secret)).toBe(false); // answered from memory
    const revokedAt = Date.now();
    await ds.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [id]);
    await until('the revoked key is refused', () => refused(secret), 2_000);
    const took = Date.now() - revokedAt;
    for (let i = 0; i < 20; i += 1) expect(await refused(secret)).toBe(true);
    expect(took).toBeLessThan(2_000);
  });

  it('refuses a key revoked through this process on the very next request, and a deleted key too', async () => {
    const revoked = await newKey();
    await keys.authenticate(revoked.secret);
    await keys.revoke(admin, revoked.id);
    expect(await refused(revoked.secret)).toBe(true);

    const deleted = await newKey();
    await keys.authenticate(deleted.secret);
    await ds.query('DELETE FROM api_keys WHERE id = $1', [deleted.id]);
    await until('the deleted key is refused', () => refused(deleted.secret), 2_000);
  });

  it('keeps no answer looked up while a revocation arrived', async () => {
    const { id, secret } = await newKey();
    const ticket = cache.ticket();
    const actor = await keys.authenticate(secret); // looked up and kept
    cache.forget(id); // a revocation arrives
    cache.put('late answer', id, actor, ticket); // an answer from before it
    expect(cache.get('late answer')).toBeNull();
  });

  it('keeps nothing while the revocation signal is lost, and keeps again once it is back', async () => {
    const { id, secret } = await newKey();
    await keys.authenticate(secret);
    const pid = await ourListener();
    expect(pid).not.toBeNull();
    await ds.query('SELECT pg_terminate_backend($1)', [pid]);
    await until('the cache notices the lost listener', () => !cache.active);

    // every request is looked up meanwhile, so a revocation now is seen at once
    lookups.mockClear();
    expect(await refused(secret)).toBe(false);
    expect(await refused(secret)).toBe(false);
    expect(lookups).toHaveBeenCalledTimes(2);
    await ds.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [id]);
    expect(await refused(secret)).toBe(true);

    // a lookup begun while nobody listened, answered once the listener is back: not kept
    const { id: lateId, secret: lateSecret } = await newKey();
    const ticket = cache.ticket();
    const lateActor = await keys.authenticate(lateSecret);
    await until('the listener reconnects', () => cache.active);
    cache.put('answer from before the listener was back', lateId, lateActor, ticket);
    expect(cache.get('answer from before the listener was back')).toBeNull();
    expect(await ourListener()).not.toBe(pid);
    const other = await newKey();
    lookups.mockClear();
    await keys.authenticate(other.secret);
    await keys.authenticate(other.secret);
    expect(lookups).toHaveBeenCalledTimes(1);
  });
});
