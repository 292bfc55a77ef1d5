import { Inject, Injectable } from '@nestjs/common';
import { type Actor, isRole, UnauthenticatedError } from '@app/domain';
import { errors, jwtVerify, SignJWT } from 'jose';
import { APP_CONFIG, type AppConfig } from '@api/common/config.provider';

const ACCESS_TOKEN_TYPE = 'at+jwt';

/**
 * Access tokens: HS256 only (pinned: RFC 8725 3.1), typed `at+jwt`, with issuer and
 * audience checked. They carry the caller's role and tenant, so a request needs no lookup.
 */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.key = new TextEncoder().encode(config.jwt.secret);
  }

  get accessTtlSeconds(): number {
    return this.config.jwt.accessTtlSeconds;
  }

  async signAccessToken(actor: Actor, sessionId: string): Promise<string> {
    return new SignJWT({ role: actor.role, cid: actor.companyId, nid: actor.consortiumId, bid: actor.bankId, sid: sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.config.jwt.issuer)
      .setAudience(this.config.jwt.audience)
      .setSubject(actor.id)
      .setIssuedAt()
      .setExpirationTime(`${this.config.jwt.accessTtlSeconds}s`)
      .sign(this.key);
  }

  async verifyAccessToken(token: string): Promise<Actor> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.config.jwt.issuer,
        audience: this.config.jwt.audience,
        typ: ACCESS_TOKEN_TYPE,
        clockTolerance: 30,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
      if (!isRole(payload.role) || !payload.sub) throw new UnauthenticatedError('The access token is malformed');
      return {
        kind: 'user',
        id: payload.sub,
        role: payload.role,
        companyId: str(payload.cid),
        consortiumId: str(payload.nid),
        bankId: str(payload.bid),
      };
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      if (error instanceof errors.JWTExpired) throw new UnauthenticatedError('The access token has expired; use refreshToken or sign in again');
      throw new UnauthenticatedError('The access token is not valid');
    }
  }
}
