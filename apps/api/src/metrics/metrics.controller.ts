import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@api/common/config.provider';
import { MetricsService } from './metrics.service';

/** SHA-256, so that tokens of any length compare in constant time. */
const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

@Controller()
export class MetricsController {
  private readonly expected: Buffer | null;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.expected = config.metricsToken === null ? null : digest(config.metricsToken);
  }

  /** Prometheus's scrape; with METRICS_TOKEN set, only for `Authorization: Bearer <token>`. */
  @Get('metrics')
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    // the scheme is case-insensitive (RFC 9110 11.1)
    const given = /^Bearer +(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
    if (this.expected !== null && !timingSafeEqual(digest(given), this.expected)) {
      void reply
        .status(401)
        .header('www-authenticate', 'Bearer realm="metrics"')
        .header('content-type', 'text/plain; charset=utf-8')
        .send('/metrics needs "Authorization: Bearer <METRICS_TOKEN>"\n');
      return;
    }
    void reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(await this.metrics.registry.metrics());
  }
}
