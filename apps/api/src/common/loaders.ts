import { Injectable } from '@nestjs/common';
import { type Bank, type Company, type Consortium, NotFoundError, parseId } from '@app/domain';
import type { StoredRating, StoredStanding } from '@app/domain/ratings';
import { BankRepository, CompanyRepository, ConsortiumRepository, RatingRepository, StandingRepository } from '@app/persistence';
import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';

/** Per-request batching: one query for all the companies a response mentions. */
export interface Loaders {
  readonly company: DataLoader<string, Company | null>;
  readonly consortium: DataLoader<string, Consortium | null>;
  readonly bank: DataLoader<string, Bank | null>;
  readonly membersOfConsortium: DataLoader<string, Company[]>;
  /** a company's current rating (its latest row), by company id */
  readonly currentRating: DataLoader<string, StoredRating | null>;
  /** a company's newest ratings, by `${limit}:${companyId}` */
  readonly ratingHistory: DataLoader<string, StoredRating[]>;
  /** a consortium's current standing, by consortium id */
  readonly currentStanding: DataLoader<string, StoredStanding | null>;
}

function byKey<T>(load: (keys: readonly string[]) => Promise<Map<string, T>>): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (keys) => {
    const found = await load(keys);
    return keys.map((key) => found.get(key) ?? null);
  });
}

function byId<T extends { id: string }>(load: (ids: readonly string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => {
    const found = new Map((await load(ids)).map((item) => [item.id, item]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/** The consortium an operation names (`consortiumId`), or NOT_FOUND naming the argument. */
export async function consortiumNamed(loaders: Loaders, idInput: string): Promise<Consortium> {
  const consortium = await loaders.consortium.load(parseId('consortiumId', idInput));
  if (!consortium) throw new NotFoundError('No such consortium', { field: 'consortiumId' });
  return consortium;
}

@Injectable()
export class LoaderFactory {
  constructor(
    private readonly dataSource: DataSource,
    private readonly companies: CompanyRepository,
    private readonly consortia: ConsortiumRepository,
    private readonly banks: BankRepository,
    private readonly ratings: RatingRepository,
    private readonly standings: StandingRepository,
  ) {}

  create(): Loaders {
    const db = this.dataSource.manager;
    return {
      company: byId((ids) => this.companies.findByIds(db, ids)),
      consortium: byId((ids) => this.consortia.findByIds(db, ids)),
      bank: byId((ids) => this.banks.findByIds(db, ids)),
      membersOfConsortium: new DataLoader<string, Company[]>(async (ids) => {
        const all = await this.companies.listByConsortia(db, ids);
        return ids.map((id) => all.filter((c) => c.consortiumId === id));
      }),
      currentRating: byKey((ids) => this.ratings.current(db, ids)),
      currentStanding: byKey((ids) => this.standings.current(db, ids)),
      ratingHistory: new DataLoader<string, StoredRating[]>(async (keys) => {
        const byLimit = new Map<number, string[]>();
        for (const key of keys) {
          const [limit, companyId] = key.split(':');
          byLimit.set(Number(limit), [...(byLimit.get(Number(limit)) ?? []), companyId]);
        }
        const found = new Map<string, StoredRating[]>();
        for (const [limit, ids] of byLimit) {
          for (const [companyId, history] of await this.ratings.historyMany(db, ids, limit)) found.set(`${limit}:${companyId}`, history);
        }
        return keys.map((key) => found.get(key) ?? []);
      }),
    };
  }
}
