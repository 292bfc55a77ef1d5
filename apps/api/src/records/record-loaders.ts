import type { Dispute } from '@app/domain';
import type { DisputeRepository, OwnerConsentRepository, TradeMatch, TradeMatchRepository } from '@app/persistence';
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { RequestContext } from '@api/common/request-context';

/** Per-request batching of what record fields add: one query for every record of a response. */
export interface RecordLoaders {
  readonly latestDispute: DataLoader<string, Dispute | null>;
  /** keyed `recordId:version` */
  readonly tradeMatch: DataLoader<string, TradeMatch | null>;
  /** keyed by owner consent id: when it was revoked, null while it stands */
  readonly ownerConsentRevokedAt: DataLoader<string, Date | null>;
}

/** The repositories the loaders read through. */
export interface RecordLoaderSources {
  readonly disputes: DisputeRepository;
  readonly matches: TradeMatchRepository;
  readonly ownerConsents: OwnerConsentRepository;
}

const perRequest = new WeakMap<object, RecordLoaders>();

export function recordLoaders(ctx: RequestContext, dataSource: DataSource, { disputes, matches, ownerConsents }: RecordLoaderSources): RecordLoaders {
  let loaders = perRequest.get(ctx);
  if (!loaders) {
    const db = dataSource.manager;
    loaders = {
      latestDispute: new DataLoader(async (ids) => {
        const found = await disputes.latestFor(db, ids);
        return ids.map((id) => found.get(id) ?? null);
      }),
      tradeMatch: new DataLoader(async (keys) => {
        const versions = keys.map((k) => {
          const [recordId, version] = k.split(':');
          return { recordId, version: Number(version) };
        });
        const found = await matches.latestFor(db, versions);
        return keys.map((k) => found.get(k) ?? null);
      }),
      ownerConsentRevokedAt: new DataLoader(async (ids) => {
        const found = await ownerConsents.revokedAt(db, ids);
        return ids.map((id) => found.get(id) ?? null);
      }),
    };
    perRequest.set(ctx, loaders);
  }
  return loaders;
}
