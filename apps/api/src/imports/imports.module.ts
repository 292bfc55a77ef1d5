import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AuthModule } from '@api/auth/auth.module';
import { ImportsController } from './imports.controller';
import { ImportsResolver } from './imports.resolver';
import { ImportsService } from './imports.service';

/** CSV imports: the upload endpoint, and the import's progress in GraphQL. */
@Module({ imports: [AuthModule], controllers: [ImportsController], providers: [ImportsService, ImportsResolver] })
export class ImportsModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** A CSV body reaches the controller as the raw stream: Fastify neither buffers nor limits it (the service does). */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify && !fastify.hasContentTypeParser('text/csv')) {
      fastify.addContentTypeParser('text/csv', (_req, payload, done) => done(null, payload));
    }
  }
}
