import { Inject, Injectable } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { Actor } from '@app/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticationService } from '@api/auth/authentication.service';
import { APP_CONFIG, type AppConfig } from '@api/common/config.provider';
import { PolicyService } from '@api/policy/policy.service';
import { PipelineQueues } from './pipeline-queues';

export const QUEUE_BOARD_PATH = '/admin/queues';
export const QUEUE_BOARD_COOKIE = 'ca_queue_board';

/** On every answer of the board; no script-src: the board's page runs its own bundle. */
const BOARD_HEADERS = {
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/** The value of one cookie of a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim() || null;
  }
  return null;
}

/**
 * Bull Board at /admin/queues, for ADMIN only. Every request under the path (the page, its
 * assets, its JSON API) passes one hook: an ADMIN bearer token, or the board's cookie, which
 * `POST /admin/queues/session` sets for a bearer ADMIN. The cookie holds that access token
 * (so it expires and is verified like the token), is HttpOnly, SameSite=Strict and scoped to
 * the board's path; a cross-origin write is refused besides.
 */
@Injectable()
export class QueueBoard {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queues: PipelineQueues,
    private readonly authentication: AuthenticationService,
    private readonly policy: PolicyService,
  ) {}

  /** Registers the board on the app's Fastify instance; call before the app listens (and before static files, see bootstrap.ts). */
  mount(app: NestFastifyApplication): void {
    const board = new BullBoardFastifyAdapter();
    createBullBoard({
      queues: [...this.queues.queues.values()].map((queue) => new BullMQAdapter(queue)),
      // @bull-board/fastify 9.10.1 declares its own copy of @bull-board/api 9.10.1's types: the
      // same interface, declared twice
      serverAdapter: board as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
      options: { uiConfig: { boardTitle: 'Credit Alliance queues' } },
    });
    board.setBasePath(QUEUE_BOARD_PATH);
    const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
    void fastify.register(
      async (scope) => {
        // every answer under the path (the page, its assets, its JSON API with job data and
        // failure reasons, the refusals): never framed, never stored, never sniffed. onSend, so
        // that it also overrides the cache headers of the board's own static files.
        scope.addHook('onSend', async (_request, reply, payload) => {
          void reply.headers(BOARD_HEADERS);
          return payload;
        });
        scope.addHook('onRequest', async (request, reply) => {
          // signing out of the board only clears its cookie: no credentials needed
          if (request.method === 'DELETE' && request.url.split('?')[0] === `${QUEUE_BOARD_PATH}/session`) return;
          const refusal = await this.refusal(request);
          if (refusal) return reply.status(refusal.status).header('cache-control', 'no-store').send({ error: refusal.message });
        });
        scope.post('/session', async (request, reply) => this.openSession(request, reply));
        scope.delete('/session', async (_request, reply) => reply.header('set-cookie', this.cookie('', 0)).status(204).send());
        await scope.register(board.registerPlugin());
      },
      { prefix: QUEUE_BOARD_PATH },
    );
  }

  private async refusal(request: FastifyRequest): Promise<{ status: 401 | 403; message: string } | null> {
    const session = request.url.split('?')[0] === `${QUEUE_BOARD_PATH}/session`;
    const { authorization, 'x-api-key': apiKey } = request.headers;
    const presented = Boolean((typeof authorization === 'string' && authorization.trim()) || (typeof apiKey === 'string' && apiKey.trim()));
    const fromCookie = !presented && !session ? readCookie(request.headers.cookie, QUEUE_BOARD_COOKIE) : null;
    // API keys act as banks: they authenticate, and are then refused as not ADMIN
    const credentials = presented ? { authorization, 'x-api-key': apiKey } : fromCookie ? { authorization: `Bearer ${fromCookie}` } : {};
    const { actor, error } = await this.authentication.authenticate(credentials);
    if (!actor) {
      const message = error?.message ?? (session ? 'Send "Authorization: Bearer <accessToken>" of an ADMIN' : 'Sign in as an ADMIN: a bearer token, or POST /admin/queues/session first');
      return { status: 401, message };
    }
    if (!this.allowed(actor)) return { status: 403, message: 'only a platform administrator may see the queues' };
    // the cookie rides along on any request the browser makes: refuse writes from another origin
    if (fromCookie && request.method !== 'GET' && request.method !== 'HEAD' && !sameOrigin(request)) {
      return { status: 403, message: 'cross-origin request refused' };
    }
    return null;
  }

  private allowed(actor: Actor): boolean {
    return this.policy.can(actor, 'queues.admin');
  }

  private openSession(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const token = (request.headers.authorization ?? '').trim().split(/\s+/, 2)[1] ?? '';
    if (!/^bearer\s/i.test(request.headers.authorization ?? '')) {
      return reply.status(401).send({ error: 'the board session is opened with "Authorization: Bearer <accessToken>" of an ADMIN' });
    }
    return reply
      .header('set-cookie', this.cookie(token, this.config.jwt.accessTtlSeconds))
      .header('cache-control', 'no-store')
      .status(204)
      .send();
  }

  private cookie(value: string, maxAge: number): string {
    const secure = this.config.nodeEnv === 'production' ? '; Secure' : '';
    return `${QUEUE_BOARD_COOKIE}=${value}; Path=${QUEUE_BOARD_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure}`;
  }
}

function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return true; // SameSite=Strict already kept the cookie off cross-site requests
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
