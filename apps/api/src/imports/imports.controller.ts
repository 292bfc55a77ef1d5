import type { Readable } from 'node:stream';
import { Controller, HttpCode, Param, Post, Req, UseFilters } from '@nestjs/common';
import { BadInputError, type ImportKind, NotFoundError, UnauthenticatedError } from '@app/domain';
import type { FastifyRequest } from 'fastify';
import { AuthenticationService } from '@api/auth/authentication.service';
import { DomainErrorFilter } from './domain-error.filter';
import { ImportsService } from './imports.service';

const KIND_OF_PATH: Readonly<Record<string, ImportKind>> = {
  'trade-experiences': 'TRADE_EXPERIENCES',
  'payment-records': 'PAYMENT_RECORDS',
  'public-records': 'PUBLIC_RECORDS',
};

export interface ImportAccepted {
  readonly id: string;
  readonly kind: ImportKind;
  readonly status: string;
  readonly fileBytes: number;
  readonly fileSha256: string | null;
  /** how to follow it */
  readonly poll: string;
}

/**
 * `POST /imports/{trade-experiences|payment-records|public-records}` with
 * `Authorization: Bearer <token>` and a `text/csv` body (UTF-8, with or without a BOM).
 * Answers 202 with the import's id; its progress and rejected lines are in GraphQL
 * (`importJob(id)`).
 */
@Controller('imports')
@UseFilters(DomainErrorFilter)
export class ImportsController {
  constructor(
    private readonly authentication: AuthenticationService,
    private readonly imports: ImportsService,
  ) {}

  @Post(':kind')
  @HttpCode(202)
  async upload(@Param('kind') path: string, @Req() req: FastifyRequest): Promise<ImportAccepted> {
    const { actor, error } = await this.authentication.authenticate(req.headers);
    if (!actor) throw error ?? new UnauthenticatedError('Sign in first: send "Authorization: Bearer <accessToken>"');
    const kind = KIND_OF_PATH[path];
    if (!kind) throw new NotFoundError(`No import of ${path}: use ${Object.keys(KIND_OF_PATH).join(', ')}`);
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'text/csv') throw new BadInputError('content-type', 'send the file as the body with "Content-Type: text/csv; charset=utf-8"');
    const job = await this.imports.upload(actor, kind, req.body as Readable);
    return {
      id: job.id,
      kind: job.kind,
      status: job.status,
      fileBytes: job.fileBytes,
      fileSha256: job.fileSha256,
      poll: `query { importJob(id: "${job.id}") { status progress acceptedRows rejectedRows rejections { line field reason } } }`,
    };
  }
}
