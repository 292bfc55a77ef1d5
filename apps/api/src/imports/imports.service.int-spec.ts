import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Actor, FixedClock } from '@app/domain';
import { AuditLogRepository, CompanyRepository, ImportRepository, OutboxRepository } from '@app/persistence';
import { Factories, openTestDataSource, testConfig } from '@app/testing';
import type { DataSource } from 'typeorm';
import { PolicyService } from '@api/policy/policy.service';
import { CHUNK_BYTES, ImportsService } from './imports.service';

const HEADER = 'debtor_credit_code,invoice_no,amount,invoice_date,due_date\n';

describe('CSV upload (API service, real PostgreSQL)', () => {
  let ds: DataSource;
  let service: ImportsService;
  let member: Actor;

  beforeAll(async () => {
    ds = await openTestDataSource();
    const f = new Factories(ds);
    const clock = new FixedClock(new Date('2025-06-15T08:00:00Z'));
    // room for one stored piece and a half: a file refused as too large has already left a piece behind
    const config = testConfig({ MAX_IMPORT_BYTES: String(Math.floor(CHUNK_BYTES * 1.5)) });
    service = new ImportsService(ds, new ImportRepository(), new AuditLogRepository(), new OutboxRepository(), new PolicyService(), clock, config, new CompanyRepository());
    const consortium = await f.consortium();
    const company = await f.company(consortium.id);
    const user = await f.user('MEMBER', { companyId: company.id });
    member = { kind: 'user', id: user.id, role: 'MEMBER', companyId: company.id, consortiumId: consortium.id, bankId: null };
  });
  afterAll(async () => ds.destroy());

  const stored = async (): Promise<{ imports: number; chunks: number }> => {
    const rows: { imports: number; chunks: number }[] = await ds.query(
      `SELECT count(*)::int AS imports, (SELECT count(*) FROM import_chunks c JOIN imports i ON i.id = c.import_id WHERE i.created_by = $1)::int AS chunks
       FROM imports WHERE created_by = $1`,
      [member.id],
    );
    return rows[0];
  };

  it('a body too large after a good header is bad input and leaves no import behind', async () => {
    const body = Readable.from([Buffer.from(HEADER), Buffer.alloc(CHUNK_BYTES, 'x'), Buffer.alloc(CHUNK_BYTES, 'x')]);
    await expect(service.upload(member, 'TRADE_EXPERIENCES', body)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' });
    expect(await stored()).toEqual({ imports: 0, chunks: 0 });
  });

  it('an upload broken off after a good header leaves no import behind', async () => {
    async function* broken(): AsyncGenerator<Buffer> {
      yield Buffer.from(HEADER);
      yield Buffer.alloc(CHUNK_BYTES, 'x');
      throw new Error('the connection was reset');
    }
    await expect(service.upload(member, 'TRADE_EXPERIENCES', Readable.from(broken()))).rejects.toThrow('the connection was reset');
    expect(await stored()).toEqual({ imports: 0, chunks: 0 });
  });
});
