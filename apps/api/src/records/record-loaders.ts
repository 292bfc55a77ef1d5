import { Injectable } from '@nestjs/common';
import type { CreditRecordVersion, Dispute, RecordStatement } from '@app/domain';
import {
  CreditRecordRepository,
  DisputeRepository,
  OwnerConsentRepository,
  RecordStatementRepository,
  type TradeMatch,
  TradeMatchRepository,
  type VersionRef,
} from '@app/persistence';
import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import type { RequestContext } from '@api/common/request-context';

/** Per-request batching of what record fields add: one query for every record of a response. */
export interface RecordLoaders {
  readonly latestDispute: DataLoader<string, Dispute | null>;
  /** keyed `recordId:version` */
  readonly tradeMatch: DataLoader<string, TradeMatch | null>;
  /** keyed by owner consent id: when it was revoked, null while it stands */
  readonly ownerConsentRevokedAt: DataLoader<string, Date | null>;
  /** keyed by record id: its subject's latest statement */
  readonly subjectStatement: DataLoader<string, RecordStatement | null>;
  /** one version of a record, as a dispute names it: one query per record kind for a whole page */
  readonly version: DataLoader<VersionRef, CreditRecordVersion | null, string>;
}

/** The record fields' loaders of a request, made on first use and kept with its context. */
@Injectable()
export class RecordLoaderFactory {
  private readonly perRequest = new WeakMap<object, RecordLoaders>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly disputes: DisputeRepository,
    private readonly matches: TradeMatchRepository,
    private readonly ownerConsents: OwnerConsentRepository,
    private readonly statements: RecordStatementRepository,
    private readonly records: CreditRecordRepository,
  ) {}

  of(ctx: RequestContext): RecordLoaders {
    let loaders = this.perRequest.get(ctx);
    if (!loaders) {
      loaders = this.create();
      this.perRequest.set(ctx, loaders);
    }
    return loaders;
  }

  private create(): RecordLoaders {
    const db = this.dataSource.manager;
    return {
      latestDispute: new DataLoader(async (ids) => {
        const found = await this.disputes.latestFor(db, ids);
        return ids.map((id) => found.get(id) ?? null);
      }),
      tradeMatch: new DataLoader(async (keys) => {
        const versions = keys.map((k) => {
          const [recordId, version] = k.split(':');
          return { recordId, version: Number(version) };
        });
        const found = await this.matches.latestFor(db, versions);
        return keys.map((k) => found.get(k) ?? null);
      }),
      ownerConsentRevokedAt: new DataLoader(async (ids) => {
        const found = await this.ownerConsents.revokedAt(db, ids);
        return ids.map((id) => found.get(id) ?? null);
      }),
      subjectStatement: new DataLoader(async (ids) => {
        const found = await this.statements.latestFor(db, ids);
        return ids.map((id) => found.get(id) ?? null);
      }),
      version: new DataLoader(
        async (refs) => {
          const found = new Map((await this.records.load(db, refs)).map((v) => [`${v.kind}:${v.recordId}:${v.version}`, v]));
          return refs.map((r) => found.get(`${r.kind}:${r.recordId}:${r.version}`) ?? null);
        },
        // batched, not cached: a version's status can change between two mutations of one document
        { cache: false },
      ),
    };
  }
}
