import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import {
  assessNegative,
  BadInputError,
  Clock,
  type Company,
  csvInput,
  csvRowValues,
  CsvParser,
  type CsvRow,
  headerProps,
  type ImportHeader,
  type ImportKind,
  type InputContext,
  negativeCountsFrom,
  normalizeCreditCode,
  parseCounterpartyCode,
  parseImportHeader,
  parsePaymentRecordInput,
  parsePublicRecordInput,
  parseTradeExperienceInput,
  toCalendarDate,
} from '@app/domain';
import { JobName } from '@app/jobs';
import {
  AuditLogRepository,
  CompanyRepository,
  IMPORT_TARGET,
  type ImportJob,
  ImportRepository,
  KIND_SPECS,
  type MergeResult,
  OutboxRepository,
  stageColumns,
} from '@app/persistence';
import { DataSource } from 'typeorm';
import { WORKER_CONFIG } from '../worker.tokens';

/** A problem with the whole file (its header): retrying cannot help, the import fails. */
export class ImportFileError extends Error {}

export interface ImportOutcome extends MergeResult {
  readonly importId: string;
  readonly totalRows: number;
  /** lines refused while reading (malformed, invalid) plus those refused by the merge */
  readonly rejectedRows: number;
}

type StageValues = Record<string, string | number | boolean | null>;

/** What a line became: the values of its version, or why it was refused. */
type Staged = { readonly values: StageValues } | { readonly field: string | null; readonly reason: string };

/** The people and companies a file is read against. */
interface ReadContext {
  readonly job: ImportJob;
  readonly ctx: InputContext;
  readonly today: string;
  readonly members: ReadonlyMap<string, Company>;
  /** the importing member's company; null for a coordinator's import */
  readonly importer: Company | null;
}

/**
 * PostgreSQL COPY text format: tab-separated, \N for null, with backslash escapes. A NUL has
 * no escape (text cannot hold one) and would fail the whole COPY, so it is dropped here;
 * lines holding one are refused before (nulRefusal), and this only keeps a NUL that slips
 * into a reason or a value from failing every other line with it.
 */
function copyField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r\0]/.test(value)
    ? value.replace(/\0/g, '').replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

/** A line with a NUL in a column the import reads: PostgreSQL cannot store it, so the line is refused, naming the column but not repeating its text. */
function nulRefusal(header: ImportHeader, fields: readonly string[]): Staged | null {
  for (const [column, index] of header) {
    if (fields[index]?.includes('\0')) return { field: column, reason: `${column} contains a NUL character (\\0), which PostgreSQL text cannot hold; remove it` };
  }
  return null;
}

function refused(error: unknown): Staged {
  if (error instanceof BadInputError) return { field: error.field, reason: error.message };
  throw error;
}

/**
 * Processes an uploaded CSV (issue 3, "Bulk import"): streams the stored file piece by
 * piece, validates every line with the same rules as the GraphQL mutations, COPYs the
 * verdicts into a staging table and merges it into the ledger set-based, all in one
 * transaction (a crash leaves nothing half-imported; a retry starts over and, identical
 * lines being idempotent, files nothing twice). Memory stays flat: at most one piece of the
 * file and one line in progress are held. Progress is written as it goes.
 */
@Injectable()
export class ImportProcessor {
  constructor(
    private readonly dataSource: DataSource,
    private readonly imports: ImportRepository,
    private readonly companies: CompanyRepository,
    private readonly audit: AuditLogRepository,
    private readonly outbox: OutboxRepository,
    private readonly clock: Clock,
    @Inject(WORKER_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Runs an import; null when it is already done, failed or unknown (a repeated job). */
  async process(importId: string): Promise<ImportOutcome | null> {
    const db = this.dataSource.manager;
    const now = this.clock.now();
    const job = await this.imports.claim(db, importId, now);
    if (!job) return null;
    const target = IMPORT_TARGET[job.kind];
    const spec = KIND_SPECS[target.kind];
    const members = await this.companies.listByConsortium(db, job.consortiumId);
    const read: ReadContext = {
      job,
      ctx: csvInput(toCalendarDate(now)),
      today: toCalendarDate(now),
      members: new Map(members.map((c) => [c.creditCode, c])),
      importer: job.companyId ? (members.find((c) => c.id === job.companyId) ?? null) : null,
    };
    if (job.companyId && !read.importer) {
      await this.imports.markFailed(db, importId, 'the importing company is no longer a member of the consortium', now);
      return null;
    }
    const columns = stageColumns(spec).map((c) => c.column);

    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const tx = runner.manager;
      const copySql = await this.imports.createStage(tx, spec);
      const copy = await this.imports.openStageCopy(tx, copySql);
      const counts = await this.stream(read, copy, columns);
      const result = await this.imports.mergeStaged(tx, spec, target.keyColumn, {
        importId,
        consortiumId: job.consortiumId,
        reporterRole: job.actorRole,
        reporterCompanyId: read.importer?.id ?? null,
        // a coordinator's import is an official export: verified on filing
        filedStatus: job.actorRole === 'COORDINATOR' || target.kind === 'PUBLIC_RECORD' ? 'VERIFIED' : 'PENDING',
        filedBy: job.createdBy,
        now,
        today: read.today,
        negativeCountsFrom: negativeCountsFrom(now, this.config.records.noticePeriodDays),
      });
      await this.outbox.add(
        tx,
        result.companies.map((companyId) => ({ job: JobName.RECOMPUTE_COMPANY, payload: { companyId, reason: 'import' } })),
      );
      const rejectedRows = result.rejected;
      await this.audit.append(
        tx,
        [
          {
            action: 'import.merged',
            actorId: job.createdBy,
            consortiumId: job.consortiumId,
            companyId: job.companyId,
            details: {
              importId,
              kind: job.kind,
              fileSha256: job.fileSha256,
              totalRows: counts.rows,
              accepted: result.accepted,
              unchanged: result.unchanged,
              rejected: rejectedRows,
              matched: result.matched,
              mismatched: result.mismatched,
              versionsDigest: result.versionsDigest,
              changesDigest: result.changesDigest,
            },
          },
        ],
        now,
      );
      await this.imports.markCompleted(
        tx,
        importId,
        { totalRows: counts.rows, accepted: result.accepted, unchanged: result.unchanged, rejected: rejectedRows, bytes: counts.bytes },
        this.clock.now(),
      );
      await this.imports.deleteChunks(tx, importId);
      await runner.commitTransaction();
      return { ...result, importId, totalRows: counts.rows, rejectedRows };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      if (error instanceof ImportFileError) {
        await this.imports.markFailed(db, importId, error.message, this.clock.now());
        return null;
      }
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** Ends an import whose retries are spent. */
  async fail(importId: string, error: unknown): Promise<void> {
    await this.imports.markFailed(this.dataSource.manager, importId, error instanceof Error ? error.message : String(error), this.clock.now());
  }

  /** Reads the stored file into the COPY stream; answers how many lines, refusals and bytes it read. */
  private async stream(read: ReadContext, copy: Writable, columns: readonly string[]): Promise<{ rows: number; rejected: number; bytes: number }> {
    const db = this.dataSource.manager;
    const decoder = new StringDecoder('utf8');
    const parser = new CsvParser();
    let header: ImportHeader | null = null;
    let props: readonly (readonly [string, number])[] = [];
    let width = 0;
    let first = true;
    let rows = 0;
    let rejected = 0;
    let bytes = 0;
    let copyError: Error | null = null;
    copy.on('error', (error: Error) => (copyError = error));

    const stage = async (batch: readonly CsvRow[]): Promise<void> => {
      let out = '';
      for (const row of batch) {
        if (header === null) {
          if (row.error) throw new ImportFileError(`the header row is malformed: ${row.error}`);
          try {
            header = parseImportHeader(read.job.kind, row.fields);
          } catch (error) {
            throw new ImportFileError(error instanceof Error ? error.message : String(error));
          }
          width = row.fields.length;
          props = headerProps(header);
          continue;
        }
        rows += 1;
        let staged: Staged;
        if (row.error) staged = { field: null, reason: `malformed line: ${row.error}` };
        else if (row.fields.length !== width) staged = { field: null, reason: `malformed line: ${row.fields.length} fields where the header has ${width}` };
        else staged = nulRefusal(header, row.fields) ?? this.stageLine(read, csvRowValues(props, row.fields));
        if ('reason' in staged) {
          rejected += 1;
          out += `${row.line}\tf\t${copyField(staged.field)}\t${copyField(staged.reason.slice(0, 500))}${'\t\\N'.repeat(columns.length - 4)}\n`;
        } else {
          let line = `${row.line}\tt\t\\N\t\\N`;
          for (let i = 4; i < columns.length; i += 1) line += `\t${copyField(staged.values[columns[i]])}`;
          out += `${line}\n`;
        }
      }
      if (copyError) throw copyError;
      if (out.length > 0 && !copy.write(out)) await once(copy, 'drain');
    };

    try {
      for (let seq = 0; ; seq += 1) {
        const chunk = await this.imports.readChunk(db, read.job.id, seq);
        if (!chunk) break;
        bytes += chunk.length;
        let text = decoder.write(chunk);
        if (first) {
          // UTF-8 with or without a byte-order mark
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
          first = false;
        }
        await stage(parser.push(text));
        await this.imports.reportProgress(db, read.job.id, bytes, rows, rejected);
      }
      await stage([...parser.push(decoder.end()), ...parser.end()]);
      if (header === null) throw new ImportFileError('the file is empty: it has no header row');
      copy.end();
      await finished(copy);
    } catch (error) {
      // abandon the COPY (CopyFail), so the connection can roll back
      if (!copy.destroyed) {
        copy.destroy(error instanceof Error ? error : new Error(String(error)));
        await finished(copy).catch(() => undefined);
      }
      throw error;
    }
    return { rows, rejected, bytes };
  }

  /** One data line: its version's values, or the reason it is refused (naming the column). */
  private stageLine(read: ReadContext, v: Record<string, string>): Staged {
    try {
      switch (read.job.kind as ImportKind) {
        case 'TRADE_EXPERIENCES':
          return this.tradeLine(read, v);
        case 'PAYMENT_RECORDS':
          return this.paymentLine(read, v);
        case 'PUBLIC_RECORDS':
          return this.publicLine(read, v);
      }
    } catch (error) {
      return refused(error);
    }
  }

  private member(read: ReadContext, name: string, code: unknown, nameColumn?: string, givenName?: string): Company {
    const field = read.ctx.field(name);
    if (code === undefined) throw new BadInputError(field, `${field} is required`);
    // a member's code as registered needs no checking again
    const parsed = typeof code === 'string' && read.members.has(code) ? code : parseCounterpartyCode(read.ctx, name, code);
    const company = read.members.get(parsed);
    if (!company) throw new BadInputError(field, `${field} ${parsed} is not a member of this consortium`);
    if (nameColumn && givenName !== undefined && givenName.normalize('NFC') !== company.name) {
      throw new BadInputError(nameColumn, `${nameColumn} "${givenName}" is not the name registered for ${parsed} ("${company.name}")`);
    }
    return company;
  }

  /** A member files as itself; naming another company there is refused. A coordinator names the company. */
  private own(read: ReadContext, name: string, code: string | undefined, nameColumn: string, givenName: string | undefined): Company {
    if (!read.importer) return this.member(read, name, code, nameColumn, givenName);
    const field = read.ctx.field(name);
    if (code !== undefined && normalizeCreditCode(code) !== read.importer.creditCode) {
      throw new BadInputError(field, `${field} must be your own company's code (${read.importer.creditCode}) or left empty`);
    }
    return read.importer;
  }

  private tradeLine(read: ReadContext, v: Record<string, string>): Staged {
    const debtor = this.member(read, 'debtorCreditCode', v.debtorCreditCode, 'debtor_name', v.debtorName);
    const creditor = this.own(read, 'creditorCreditCode', v.creditorCreditCode, 'creditor_name', undefined);
    if (debtor.id === creditor.id) throw new BadInputError('debtor_credit_code', 'debtor_credit_code is the creditor itself: a company does not trade with itself');
    const t = parseTradeExperienceInput(read.ctx, v);
    const payload = { side: 'SUPPLIER' as const, creditorId: creditor.id, ...t };
    const negative = assessNegative('TRADE_EXPERIENCE', payload, read.today);
    return {
      values: {
        subject_id: debtor.id,
        negative: negative.negative,
        ended_on: negative.endedOn,
        expires_on: negative.expiresOn,
        side: 'SUPPLIER',
        counterparty_id: creditor.id,
        invoice_no: t.invoiceNo,
        amount: t.amount,
        invoice_date: t.invoiceDate,
        due_date: t.dueDate,
        paid_date: t.paidDate,
      },
    };
  }

  private paymentLine(read: ReadContext, v: Record<string, string>): Staged {
    const subject = this.own(read, 'subjectCreditCode', v.subjectCreditCode, 'subject_name', v.subjectName);
    const { payload } = parsePaymentRecordInput(read.ctx, v);
    const negative = assessNegative('PAYMENT_RECORD', payload, read.today);
    return {
      values: {
        subject_id: subject.id,
        negative: negative.negative,
        ended_on: negative.endedOn,
        expires_on: negative.expiresOn,
        payment_kind: payload.paymentKind,
        reference: payload.reference,
        payee: payload.payee,
        amount: payload.amount,
        due_date: payload.dueDate,
        paid_date: payload.paidDate,
      },
    };
  }

  private publicLine(read: ReadContext, v: Record<string, string>): Staged {
    const subject = this.member(read, 'subjectCreditCode', v.subjectCreditCode, 'subject_name', v.subjectName);
    const { payload } = parsePublicRecordInput(read.ctx, v);
    const negative = assessNegative('PUBLIC_RECORD', payload, read.today);
    return {
      values: {
        subject_id: subject.id,
        negative: negative.negative,
        expires_on: negative.expiresOn,
        public_kind: payload.publicKind,
        case_no: payload.caseNo,
        authority: payload.authority,
        event_date: payload.eventDate,
        ended_on: payload.endedOn,
        amount: payload.amount,
      },
    };
  }
}
