import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, type HealthCheckResult, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type IORedis from 'ioredis';
import { REDIS } from './redis.provider';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: IORedis,
  ) {}

  /** 200 while the process runs: an orchestrator restarts it only when this fails. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when PostgreSQL and Redis answer; 503 naming the one that does not. */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 2_000 }),
      async () => {
        const indicator = this.indicators.check('redis');
        try {
          const answer = await Promise.race([
            this.redis.ping(),
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 2000 ms')), 2_000).unref()),
          ]);
          return answer === 'PONG' ? indicator.up() : indicator.down({ message: `unexpected answer ${answer}` });
        } catch (error) {
          return indicator.down({ message: error instanceof Error ? error.message : 'unreachable' });
        }
      },
    ]);
  }
}
