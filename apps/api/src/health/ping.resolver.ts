import { Query, Resolver } from '@nestjs/graphql';

/** A constant, public query: the baseline our benchmarks compare real operations with. */
@Resolver()
export class PingResolver {
  @Query(() => String, { description: 'always "pong"; no authentication' })
  ping(): string {
    return 'pong';
  }
}
