import type { Company, Consortium } from '@app/domain';
import { Factories } from '@app/testing';
import { signIn, type SignedIn } from '../support/world';
import { type PrivateRedis, type PrivateRedisOptions, startPrivateRedis } from './fault-support';
import { type IsolatedPipeline, isolatedPipeline, type RunningWorker } from './pipeline-support';

/** A member company of a Redis fault test, with its signed-in member. */
export interface FaultMember {
  readonly company: Company;
  readonly member: SignedIn;
}

/**
 * What a Redis fault test runs on: a redis-server of its own (so it may kill it), a pipeline
 * of its own (database and queue prefix) with an in-process worker, and the members of one
 * consortium, each signed in.
 */
export interface RedisFaultRig {
  readonly redis: PrivateRedis;
  readonly pipeline: IsolatedPipeline;
  readonly worker: RunningWorker;
  readonly consortium: Consortium;
  readonly members: readonly FaultMember[];
  /** stops it all; a Redis a failed test left stopped is started first, as the connections' shutdown waits for it */
  close(): Promise<void>;
}

export async function redisFaultRig(
  name: string,
  companies: number,
  options: { readonly redis?: PrivateRedisOptions; readonly worker?: Record<string, string> } = {},
): Promise<RedisFaultRig> {
  const redis = await startPrivateRedis(options.redis);
  let pipeline: IsolatedPipeline | undefined;
  let worker: RunningWorker | undefined;
  const close = async (): Promise<void> => {
    if (!redis.running) await redis.start().catch(() => undefined);
    await worker?.close();
    await pipeline?.api.close();
    await pipeline?.drop();
    await redis.destroy();
  };
  try {
    pipeline = await isolatedPipeline(name, { REDIS_URL: redis.url });
    worker = await pipeline.startWorker(options.worker);
    const factories = new Factories(pipeline.api.dataSource);
    const consortium = await factories.consortium();
    const members: FaultMember[] = [];
    for (let i = 0; i < companies; i++) {
      const company = await factories.company(consortium.id);
      members.push({ company, member: await signIn(pipeline.api, await factories.user('MEMBER', { companyId: company.id })) });
    }
    return { redis, pipeline, worker, consortium, members, close };
  } catch (error) {
    // a set-up that failed half-way leaves nothing running for afterAll to miss
    await close().catch(() => undefined);
    throw error;
  }
}
