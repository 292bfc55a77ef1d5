import { Query, Resolver } from '@nestjs/graphql';

/** The cheapest GraphQL answer there is: the baseline benchmarks compare real queries with. */
@Resolver()
export class PingResolver {
  @Query(() => String, { description: 'public: "pong"; for load balancers and benchmarks' })
  ping(): string {
    return 'pong';
  }
}
