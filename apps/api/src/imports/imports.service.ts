import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { Inject, Injectable } from '@nestjs/common';
import { type Actor, BadInputError, Clock, CsvParser, ForbiddenError, type ImportKind, NotFoundError, parseId, parseImportHeader, parsePage } from '@app/domain';
import { JobName } from '@app/jobs';
import { AuditLogRepository, CompanyRepository, type ImportJob, type ImportRejection, ImportRepository, OutboxRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@api/common/config.provider';
import type { Operation, PolicyTarget } from '@api/policy/policy';
import { PolicyService } from '@api/policy/policy.service';

/** The file is kept in PostgreSQL in pieces this size until the worker has merged it. */
export const CHUNK_BYTES = 1024 * 1024;
const HEADER_PEEK_BYTES = 64 * 1024;

export const IMPORT_OPERATION: Readonly<Record<ImportKind, Operation>> = {
  TRADE_EXPERIENCES: 'import.tradeExperiences',
  PAYMENT_RECORDS: 'import.paymentRecords',
  PUBLIC_RECORDS: 'import.publicRecords',
};

/**
 * CSV uploads: the API checks the caller and the header row, stores the file (streamed,
 * never whole in memory), and leaves an outbox row for the worker, which validates every
 * line and merges the file into the ledger (apps/worker/src/imports).
 */
@Injectable()
export class ImportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly imports: ImportRepository,
    private readonly audit: AuditLogRepository,
    private readonly outbox: OutboxRepository,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly companies: CompanyRepository,
  ) {}

  async upload(actor: Actor, kind: ImportKind, body: AsyncIterable<Buffer | string> & Readable): Promise<ImportJob> {
    const operation = IMPORT_OPERATION[kind];
    this.policy.assertRole(actor, operation);
    if (!actor.consortiumId) throw new ForbiddenError('The caller belongs to no consortium', { operation });
    // a member files as its own company; a coordinator for its consortium
    const target: PolicyTarget = actor.role === 'MEMBER' ? { companyId: actor.companyId, consortiumId: actor.consortiumId } : { consortiumId: actor.consortiumId };
    this.policy.assert(actor, operation, target);

    const db = this.dataSource.manager;
    const hash = createHash('sha256');
    let job: ImportJob | null = null;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let total = 0;
    let seq = 0;
    const flush = async (): Promise<void> => {
      if (pendingBytes === 0 || !job) return;
      const data = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await this.imports.appendChunk(db, job.id, seq, data);
      seq += 1;
    };
    try {
      for await (const piece of body) {
        const buffer = typeof piece === 'string' ? Buffer.from(piece) : piece;
        total += buffer.length;
        if (total > this.config.records.maxImportBytes) throw new BadInputError('body', `the file is larger than ${this.config.records.maxImportBytes} bytes`);
        hash.update(buffer);
        pending.push(buffer);
        pendingBytes += buffer.length;
        if (!job && (buffer.includes(10) || pendingBytes >= HEADER_PEEK_BYTES)) {
          checkHeader(kind, Buffer.concat(pending, pendingBytes));
          job = await this.createJob(actor, kind);
        }
        if (job && pendingBytes >= CHUNK_BYTES) await flush();
      }
      if (total === 0) throw new BadInputError('body', 'the file is empty: send the CSV as the request body');
      if (!job) {
        checkHeader(kind, Buffer.concat(pending, pendingBytes));
        job = await this.createJob(actor, kind);
      }
      await flush();
    } catch (error) {
      // too large or broken off after the header: the caller gets an error and no id, so no trace of it is kept
      if (job) await this.imports.discardUpload(db, job.id);
      throw error;
    }
    const sha256 = hash.digest();
    const uploaded = job;
    return this.dataSource.transaction(async (tx) => {
      const queued = await this.imports.markQueued(tx, uploaded.id, total, sha256);
      await this.outbox.add(tx, [{ job: JobName.IMPORT_RECORDS, payload: { importId: uploaded.id } }]);
      await this.audit.append(
        tx,
        [
          {
            action: 'import.uploaded',
            actorId: actor.id,
            consortiumId: uploaded.consortiumId,
            companyId: uploaded.companyId,
            details: { importId: uploaded.id, kind, bytes: total, fileSha256: sha256.toString('hex') },
          },
        ],
        this.clock.now(),
      );
      return queued;
    });
  }

  async get(actor: Actor, idInput: string): Promise<ImportJob | null> {
    this.policy.assertRole(actor, 'import.read');
    const job = await this.imports.findById(this.dataSource.manager, parseId('id', idInput));
    if (!job) return null;
    this.policy.assert(actor, 'import.read', targetOf(job));
    return job;
  }

  async list(actor: Actor, args: { companyId?: string | null; consortiumId?: string | null; limit: number; offset: number }): Promise<ImportJob[]> {
    this.policy.assertRole(actor, 'import.read');
    const page = parsePage(args, 200);
    if ((args.companyId ? 1 : 0) + (args.consortiumId ? 1 : 0) !== 1) {
      throw new BadInputError('companyId', "give companyId (a member's imports) or consortiumId (all of a consortium's), one of them");
    }
    const db = this.dataSource.manager;
    if (args.companyId) {
      const companyId = parseId('companyId', args.companyId);
      const consortiumId = await this.companies.consortiumOf(db, companyId);
      if (!consortiumId) throw new NotFoundError('No such company', { field: 'companyId' });
      this.policy.assert(actor, 'import.read', { companyId, consortiumId });
      return this.imports.list(db, consortiumId, companyId, page.limit, page.offset);
    }
    const consortiumId = parseId('consortiumId', args.consortiumId);
    this.policy.assert(actor, 'import.read', { consortiumId });
    return this.imports.list(db, consortiumId, null, page.limit, page.offset);
  }

  /** The rejected lines of an import the caller may read (it was checked when the import was). */
  rejections(job: ImportJob, limit: number, offset: number): Promise<ImportRejection[]> {
    const page = parsePage({ limit, offset }, 1000);
    return this.imports.rejections(this.dataSource.manager, job.id, page.limit, page.offset);
  }

  private createJob(actor: Actor, kind: ImportKind): Promise<ImportJob> {
    return this.imports.create(this.dataSource.manager, {
      kind,
      consortiumId: actor.consortiumId as string,
      companyId: actor.role === 'MEMBER' ? actor.companyId : null,
      actorRole: actor.role as 'MEMBER' | 'COORDINATOR',
      createdBy: actor.id,
      createdAt: this.clock.now(),
    });
  }
}

function targetOf(job: ImportJob): PolicyTarget {
  return job.companyId ? { companyId: job.companyId, consortiumId: job.consortiumId } : { consortiumId: job.consortiumId };
}

/** The header row must name the kind's columns: refused at once rather than line by line later. */
function checkHeader(kind: ImportKind, start: Buffer): void {
  let text = new StringDecoder('utf8').write(start);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const newline = text.indexOf('\n');
  const parser = new CsvParser();
  const rows = newline >= 0 ? parser.push(text.slice(0, newline + 1)) : [...parser.push(text), ...parser.end()];
  const header = rows[0];
  if (!header || header.error) throw new BadInputError('header', `the first line must be the header row${header?.error ? `: ${header.error}` : ''}`);
  parseImportHeader(kind, header.fields);
}
