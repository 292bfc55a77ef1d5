import { Injectable } from '@nestjs/common';
import { type Actor, type DomainError, UnauthenticatedError } from '@app/domain';
import { ApiKeyService } from './api-key.service';
import { TokenService } from './token.service';

export interface Authentication {
  readonly actor: Actor | null;
  readonly error: DomainError | null;
}

const NONE: Authentication = { actor: null, error: null };

/**
 * Reads the caller from request headers: `Authorization: Bearer <access token>` for users,
 * `Authorization: ApiKey <key>` or `X-Api-Key: <key>` for banks' systems. Bad credentials
 * are remembered, not thrown, so that public operations still work and the others answer
 * UNAUTHENTICATED with the reason.
 */
@Injectable()
export class AuthenticationService {
  constructor(
    private readonly tokens: TokenService,
    private readonly apiKeys: ApiKeyService,
  ) {}

  async authenticate(headers: Readonly<Record<string, string | string[] | undefined>>): Promise<Authentication> {
    const authorization = typeof headers.authorization === 'string' ? headers.authorization.trim() : '';
    const apiKeyHeader = typeof headers['x-api-key'] === 'string' ? headers['x-api-key'].trim() : '';
    try {
      const [scheme, value] = authorization.split(/\s+/, 2);
      if (authorization && value && /^bearer$/i.test(scheme)) return { actor: await this.tokens.verifyAccessToken(value), error: null };
      if (authorization && value && /^apikey$/i.test(scheme)) return { actor: await this.apiKeys.authenticate(value), error: null };
      if (apiKeyHeader) return { actor: await this.apiKeys.authenticate(apiKeyHeader), error: null };
      if (authorization) return { actor: null, error: new UnauthenticatedError('Use "Authorization: Bearer <accessToken>" or "Authorization: ApiKey <key>"') };
      return NONE;
    } catch (error) {
      if (error instanceof UnauthenticatedError) return { actor: null, error };
      throw error;
    }
  }
}
