import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type Actor, ForbiddenError, NotFoundError, parseText, passwordTooLong, UnauthenticatedError, type User } from '@app/domain';
import { LoginFailureRepository, SessionRepository, UserRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import { ReadCoalescer } from '@api/common/read-coalescer';
import { APP_CONFIG, type AppConfig } from '@api/common/config.provider';
import { PasswordService } from './password.service';
import { signInNetwork } from './sign-in-network';
import { TokenService } from './token.service';

export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly user: User;
}

const INVALID_CREDENTIALS = 'The email or password is not correct';
const REFRESH_FORMAT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function actorOf(user: User): Actor {
  return { kind: 'user', id: user.id, role: user.role, companyId: user.companyId, consortiumId: user.consortiumId, bankId: user.bankId };
}

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly failures: LoginFailureRepository,
    private readonly passwords: PasswordService,
    private readonly tokens: TokenService,
  ) {
    this.userReads = new ReadCoalescer((ids) => this.users.findByIds(this.dataSource.manager, ids), Math.max(1, Math.floor(config.dbPoolSize / 2)));
  }

  /** `me` on every page of every client: concurrent reads share a statement */
  private readonly userReads: ReadCoalescer<string, User>;

  /** BOOTSTRAP_ADMIN_EMAIL / _PASSWORD: the first ADMIN, created once when none exists. */
  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.bootstrapAdmin;
    if (!admin) return;
    await this.dataSource.transaction(async (tx) => {
      await this.users.lockAdminBootstrap(tx);
      if ((await this.users.countAdmins(tx)) > 0) return;
      await this.users.insert(tx, { email: admin.email, passwordHash: await this.passwords.hash(admin.password), role: 'ADMIN', companyId: null, consortiumId: null, bankId: null });
      this.logger.log(`created the bootstrap ADMIN ${admin.email}`);
    });
  }

  /**
   * Signs in. Attempts are counted per account and per address (an IPv6 address by its
   * /64); over either limit, sign-in is refused for the rest of the window, with the same
   * answer whether or not the account exists.
   */
  async login(emailInput: string, password: string, address: string): Promise<Tokens> {
    const email = parseText('email', emailInput, { max: 254 }).toLowerCase();
    // the bound of the one password rule (code points): no longer password could have been set
    if (typeof password !== 'string' || password.length === 0 || passwordTooLong(password)) throw new UnauthenticatedError(INVALID_CREDENTIALS);
    const { maxFailuresPerAccount, maxFailuresPerAddress, windowSeconds } = this.config.login;
    const accountKey = `account:${email}`;
    const addressKey = `address:${signInNetwork(address)}`;
    const db = this.dataSource.manager;

    // Each attempt is counted against both keys before its password is checked (a row lock
    // orders attempts at once, each getting its own count) and given back when it succeeds:
    // read first and counted after argon2, a burst of parallel guesses all passed the limit
    // (20 guesses at 20 accounts from one address got 20 checks against a limit of 3). So the
    // limits bound failures plus checks in flight. An attempt refused by one limit checks no
    // password, so the other key gets it back.
    const counts = await this.failures.record(db, [accountKey, addressKey], windowSeconds);
    const overAccount = (counts.get(accountKey) ?? 0) > maxFailuresPerAccount;
    const overAddress = (counts.get(addressKey) ?? 0) > maxFailuresPerAddress;
    if (overAccount || overAddress) {
      if (!overAccount) await this.failures.forgive(db, accountKey, windowSeconds);
      if (!overAddress) await this.failures.forgive(db, addressKey, windowSeconds);
      throw new UnauthenticatedError(`Too many failed sign-in attempts; try again in ${Math.ceil(windowSeconds / 60)} minutes`, { retryAfterSeconds: windowSeconds });
    }

    const found = await this.users.findCredentials(db, email);
    const valid = await this.passwords.verify(found?.passwordHash ?? null, password);
    if (!found || !valid || found.user.disabledAt) throw new UnauthenticatedError(INVALID_CREDENTIALS);
    await this.failures.forgive(db, addressKey, windowSeconds);
    await this.failures.clear(db, accountKey);
    if (this.passwords.needsRehash(found.passwordHash)) {
      await this.users.updatePasswordHash(db, found.user.id, await this.passwords.hash(password));
    }

    return this.dataSource.transaction(async (tx) => {
      const sessionId = await this.sessions.create(tx, found.user.id, new Date(Date.now() + this.config.jwt.refreshTtlSeconds * 1000));
      return this.issue(tx, found.user, sessionId);
    });
  }

  /**
   * Rotates a refresh token. A token is good once: presenting a used one again means it
   * was copied, so the whole session ends (and the legitimate holder signs in again).
   */
  async refresh(refreshToken: string): Promise<Tokens> {
    const match = typeof refreshToken === 'string' ? REFRESH_FORMAT.exec(refreshToken) : null;
    if (!match) throw new UnauthenticatedError('The refresh token is not valid');
    const [, tokenId, secret] = match;

    const outcome = await this.dataSource.transaction(async (tx) => {
      const state = await this.sessions.findTokenForUpdate(tx, tokenId);
      const hash = sha256(secret);
      if (!state || state.tokenHash.length !== hash.length || !timingSafeEqual(state.tokenHash, hash)) return { error: 'The refresh token is not valid' };
      if (state.revokedAt || state.expiresAt.getTime() <= Date.now()) return { error: 'The session has ended; sign in again' };
      if (state.usedAt) {
        await this.sessions.revoke(tx, state.sessionId, 'refresh token reused');
        return { error: 'This refresh token was already used, so the session has been ended for safety; sign in again' };
      }
      const user = await this.users.findById(tx, state.userId);
      if (!user || user.disabledAt) {
        await this.sessions.revoke(tx, state.sessionId, 'user disabled');
        return { error: 'The account is disabled' };
      }
      await this.sessions.markTokenUsed(tx, tokenId);
      return { tokens: await this.issue(tx, user, state.sessionId) };
    });
    if ('error' in outcome) throw new UnauthenticatedError(outcome.error as string);
    return outcome.tokens;
  }

  async me(actor: Actor): Promise<User> {
    if (actor.kind !== 'user') throw new ForbiddenError('An API key acts for its bank, not for a user: there is no "me"');
    const user = await this.userReads.read(actor.id);
    if (!user) throw new NotFoundError('The signed-in user no longer exists');
    return user;
  }

  private async issue(tx: Parameters<SessionRepository['addRefreshToken']>[0], user: User, sessionId: string): Promise<Tokens> {
    const secret = randomBytes(32).toString('base64url');
    const tokenId = await this.sessions.addRefreshToken(tx, sessionId, sha256(secret));
    const accessToken = await this.tokens.signAccessToken(actorOf(user), sessionId);
    return { accessToken, refreshToken: `${tokenId}.${secret}`, user };
  }
}
