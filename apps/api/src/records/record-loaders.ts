import type { Dispute } from '@app/domain';
import { DisputeRepository, TradeMatchRepository, type TradeMatch } from '@app/persistence';
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { RequestContext } from '@api/common/request-context';

/** Per-request batching of what record fields add: one query for every record of a response. */
export interface RecordLoaders {
  readonly latestDispute: DataLoader<string, Dispute | null>;
  /** keyed `recordId:version` */
  readonly tradeMatch: DataLoader<string, TradeMatch | null>;
}

const perRequest = new WeakMap<object, RecordLoaders>();

export function recordLoaders(ctx: RequestContext, dataSource: DataSource, disputes: DisputeRepository, matches: TradeMatchRepository): RecordLoaders {
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
    };
    perRequest.set(ctx, loaders);
  }
  return loaders;
}
