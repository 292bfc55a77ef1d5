import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type Actor, BadInputError, Clock, NotFoundError, parseId, parseText, UnauthenticatedError } from '@app/domain';
import { type ApiKey, ApiKeyRepository, AuditLogRepository, BankRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import { PolicyService } from '@api/policy/policy.service';
import { ApiKeyCache } from './api-key-cache';

const KEY_PREFIX = 'cak_';

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Banks' systems authenticate with API keys: 256 random bits, shown once, stored hashed. */
@Injectable()
export class ApiKeyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeyRepository,
    private readonly banks: BankRepository,
    private readonly audit: AuditLogRepository,
    private readonly policy: PolicyService,
    private readonly cache: ApiKeyCache,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, bankIdInput: string, nameInput: string): Promise<{ key: ApiKey; secret: string }> {
    this.policy.assert(actor, 'bank.apiKeys.manage');
    const bankId = parseId('bankId', bankIdInput);
    const name = parseText('name', nameInput, { max: 100 });
    return this.dataSource.transaction(async (tx) => {
      // an id given as input that names nothing is bad input, as grantConsent and createUser answer
      if (!(await this.banks.findById(tx, bankId))) throw new BadInputError('bankId', 'bankId names no bank');
      const secret = KEY_PREFIX + randomBytes(32).toString('base64url');
      const key = await this.apiKeys.insert(tx, { bankId, name, prefix: secret.slice(0, 12), keyHash: hashApiKey(secret), createdBy: actor.id });
      await this.audit.append(tx, [{ action: 'apiKey.created', actorId: actor.id, details: { apiKeyId: key.id, bankId, prefix: key.prefix } }], this.clock.now());
      return { key, secret };
    });
  }

  async revoke(actor: Actor, idInput: string): Promise<ApiKey> {
    this.policy.assert(actor, 'bank.apiKeys.manage');
    const id = parseId('id', idInput);
    const revoked = await this.dataSource.transaction(async (tx) => {
      const key = await this.apiKeys.revoke(tx, id);
      if (!key) throw new NotFoundError('No such API key', { field: 'id' });
      await this.audit.append(tx, [{ action: 'apiKey.revoked', actorId: actor.id, details: { apiKeyId: id, bankId: key.bankId } }], this.clock.now());
      return key;
    });
    // this process's next request already refuses it; the others hear it by NOTIFY
    this.cache.forget(id);
    return revoked;
  }

  async authenticate(secret: string): Promise<Actor> {
    if (!secret.startsWith(KEY_PREFIX) || secret.length > 100) throw new UnauthenticatedError('The API key is not valid');
    const hash = hashApiKey(secret);
    const cacheKey = hash.toString('base64');
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const ticket = this.cache.ticket();
    const key = await this.apiKeys.findActiveByHash(this.dataSource.manager, hash);
    if (!key) throw new UnauthenticatedError('The API key is not valid or has been revoked');
    const actor: Actor = { kind: 'apiKey', id: key.id, role: 'BANK', companyId: null, consortiumId: null, bankId: key.bankId };
    this.cache.put(cacheKey, key.id, actor, ticket);
    return actor;
  }
}
