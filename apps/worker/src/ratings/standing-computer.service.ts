import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type Db, RatingModelRepository, StandingInputRepository, StandingRepository } from '@app/persistence';
import { consortiumStanding, DEFAULT_RATING_MODEL } from '@app/scoring';

export interface StandingOutcome {
  readonly members: number;
  /** false when the standing already reflected the members' current ratings */
  readonly written: boolean;
}

/**
 * A consortium's standing from its members' current ratings, exposures, balance sheets, the
 * guarantee and overdue-payable network, its guarantee fund and the risk parameters its
 * coordinator set. Serialised per consortium;
 * appended when what it is computed from changed, a new rating of any member included (the
 * standing then names the ratings it rests on).
 */
@Injectable()
export class StandingComputer {
  constructor(
    private readonly inputs: StandingInputRepository,
    private readonly standings: StandingRepository,
    private readonly models: RatingModelRepository,
  ) {}

  async recompute(tx: Db, consortiumId: string, asOf: string): Promise<StandingOutcome> {
    await this.standings.lockConsortium(tx, consortiumId);
    const source = await this.inputs.load(tx, consortiumId, asOf);
    if (source.members.length === 0) return { members: 0, written: false };
    // the model the members are rated with is part of what the standing rests on: an activation moves it
    const model = (await this.models.activeSpecs(tx, [consortiumId])).get(consortiumId) ?? DEFAULT_RATING_MODEL;
    const dataVersion = createHash('sha1').update(JSON.stringify(source)).update(`|${model.version}`).digest('hex');
    const current = (await this.standings.currentBriefs(tx, [consortiumId])).get(consortiumId);
    if (current?.dataVersion === dataVersion) return { members: source.members.length, written: false };
    const standing = consortiumStanding({ consortiumId, members: source.members, edges: source.edges, fund: source.fund, parameters: source.parameters });
    await this.standings.insert(tx, standing, dataVersion, model.version);
    return { members: source.members.length, written: true };
  }
}
