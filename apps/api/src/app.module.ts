import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import { TerminusModule } from '@nestjs/terminus';
import type { AppConfig } from '@app/config';
import { PersistenceModule } from '@app/persistence';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { FastifyRequest } from 'fastify';
import type IORedis from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AuditResolver } from './audit/audit.resolver';
import { AuthModule } from './auth/auth.module';
import { AuthenticationService } from './auth/authentication.service';
import { BankRatingsModule } from './bank-ratings/bank-ratings.module';
import { BanksResolver } from './banks/banks.resolver';
import { BanksService } from './banks/banks.service';
import { CompaniesResolver } from './companies/companies.resolver';
import { CompaniesService } from './companies/companies.service';
import { APP_CONFIG } from './common/config.provider';
import { createFormatError } from './common/error-format';
import { GraphqlExceptionFilter } from './common/graphql-exception.filter';
import { JitGateway } from './common/jit-executor';
import { BoundedFramesApolloDriver, credentialsHold, isWsContext, subscriptionsOnly, type WsContext, wsErrorFormatting, wsHeaders } from './common/graphql-ws';
import { MAX_QUERY_TOKENS, queryLimitsPlugin } from './common/limits.plugin';
import { LoaderFactory } from './common/loaders';
import { EventBus, PUB_SUB } from './common/pubsub.provider';
import type { RequestContext } from './common/request-context';
import { DateTimeScalar } from './common/scalars';
import { ConsentsModule } from './consents/consents.module';
import { CoordinatorModule } from './coordinator/coordinator.module';
import { ClockModule } from './common/clock.module';
import { ConsortiaResolver } from './consortia/consortia.resolver';
import { ConsortiaService } from './consortia/consortia.service';
import { HealthController } from './health/health.controller';
import { PingResolver } from './health/ping.resolver';
import { createRedis, REDIS } from './health/redis.provider';
import { ImportsModule } from './imports/imports.module';
import { MetricsModule } from './metrics/metrics.module';
import { MonitoringModule } from './monitoring/monitoring.module';
import { MetricsService } from './metrics/metrics.service';
import { NoticesModule } from './notices/notices.module';
import { PartnersModule } from './partners/partners.module';
import { PipelineModule } from './pipeline/pipeline.module';
import { PolicyModule } from './policy/policy.module';
import { ProfilesModule } from './profiles/profiles.module';
import { CompanyRatingResolver } from './ratings/ratings.resolver';
import { WhatIfResolver } from './ratings/what-if.resolver';
import { WhatIfService } from './ratings/what-if.service';
import { RecordsModule } from './records/records.module';
import { ConsortiumStandingResolver } from './standing/standing.resolver';
import { ReportsModule } from './reports/reports.module';
import { RestModule } from './rest/rest.module';
import { UsersResolver } from './users/users.resolver';
import { UsersService } from './users/users.service';

const LOGGER = Symbol('LOGGER');

/** Global providers of the API; closes its Redis connection when the app stops. */
@Module({})
export class CoreModule implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: IORedis,
    @Inject(PUB_SUB) private readonly events: EventBus,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.events.close().catch(() => undefined);
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    const production = config.nodeEnv === 'production';
    const jit = config.graphql.jit ? new JitGateway() : null;
    const core: DynamicModule = {
      module: CoreModule,
      global: true,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: REDIS, useFactory: () => createRedis(config, 'credit-alliance-api') },
        { provide: PUB_SUB, useFactory: () => new EventBus(config) },
        LoaderFactory,
        { provide: APP_FILTER, useClass: GraphqlExceptionFilter },
      ],
      exports: [APP_CONFIG, LOGGER, REDIS, PUB_SUB, LoaderFactory],
    };

    return {
      module: AppModule,
      imports: [
        core,
        LoggerModule.forRoot({
          pinoHttp: {
            logger,
            // set by the first Fastify hook (bootstrap.ts)
            genReqId: (req) => String(req.headers['x-request-id'] ?? ''),
            autoLogging: { ignore: (req) => req.url === '/health/live' || req.url === '/metrics' },
            quietReqLogger: true,
          },
        }),
        PersistenceModule.forRoot(config, 'credit-alliance-api'),
        TerminusModule,
        MetricsModule,
        PolicyModule,
        ClockModule,
        AuthModule,
        RecordsModule,
        NoticesModule,
        ImportsModule,
        PartnersModule,
        ProfilesModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: BoundedFramesApolloDriver,
          imports: [AuthModule],
          inject: [AuthenticationService, LoaderFactory, MetricsService, GraphQLSchemaHost],
          useFactory: (authentication: AuthenticationService, loaders: LoaderFactory, metrics: MetricsService, schemaHost: GraphQLSchemaHost): ApolloDriverConfig => ({
            // graphql-jit executes operations (JitGateway: Apollo's gateway interface is its
            // door for another executor; the schema stays the one built here)
            ...(jit ? ({ gateway: jit, transformSchema: jit.capture } as Partial<ApolloDriverConfig>) : {}),
            path: '/graphql',
            autoSchemaFile: true,
            sortSchema: true,
            // `Date` fields are the contract's DateTime, strict on input (Nest's own read a number
            // or a boolean as null, and a null expiry means never); dateScalarMode then picks nothing
            buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: DateTimeScalar }], numberScalarMode: 'float' },
            introspection: !production,
            playground: false,
            includeStacktraceInErrorResponses: false,
            hideSchemaDetailsFromClientErrors: production,
            csrfPrevention: true,
            allowBatchedHttpRequests: false,
            // a document stops parsing past MAX_QUERY_TOKENS: the depth, alias and cost limits
            // run after parsing and validation, which a huge anonymous document made slow
            parseOptions: { maxTokens: MAX_QUERY_TOKENS },
            formatError: createFormatError(logger),
            // our plugins are typed against @apollo/server's CommonJS build, @nestjs/apollo's
            // options against its ES module build: the same shapes, declared twice
            plugins: [
              queryLimitsPlugin(config.graphql),
              metrics.graphqlPlugin(),
              // no response uses cache hints; left on, Apollo's cache-control plugin wraps
              // every field resolver to read them (a tenth of a bank read's CPU)
              ApolloServerPluginCacheControlDisabled(),
              ...(production ? [ApolloServerPluginLandingPageDisabled()] : []),
            ] as unknown as ApolloDriverConfig['plugins'],
            context: async (arg: FastifyRequest | WsContext): Promise<RequestContext> => {
              if (isWsContext(arg)) {
                // a subscription: credentials come in the connection_init payload
                const { actor, error } = await authentication.authenticate(wsHeaders(arg));
                return {
                  req: null,
                  actor,
                  authError: error,
                  loaders: loaders.create(),
                  ip: arg.extra?.request?.socket?.remoteAddress ?? '',
                  credentialsHold: actor ? credentialsHold(authentication, arg, actor) : undefined,
                };
              }
              const { actor, error } = await authentication.authenticate(arg.headers);
              return { req: arg, actor, authError: error, loaders: loaders.create(), ip: arg.ip };
            },
            subscriptions: {
              'graphql-ws': {
                path: '/graphql',
                ...wsErrorFormatting(createFormatError(logger)),
                // refuse a socket without valid credentials before any subscription starts
                onConnect: async (ctx: { connectionParams?: Readonly<Record<string, unknown>> }) => {
                  const { actor } = await authentication.authenticate(wsHeaders(ctx));
                  return actor !== null;
                },
                onSubscribe: subscriptionsOnly(schemaHost, config.graphql, production),
              },
            },
          }),
        }),
        ConsentsModule,
        BankRatingsModule,
        MonitoringModule,
        ReportsModule,
        RestModule,
        CoordinatorModule,
        PipelineModule,
      ],
      controllers: [HealthController],
      providers: [
        AuditResolver,
        BanksResolver,
        BanksService,
        CompaniesResolver,
        CompaniesService,
        CompanyRatingResolver,
        WhatIfResolver,
        WhatIfService,
        ConsortiaResolver,
        ConsortiaService,
        ConsortiumStandingResolver,
        PingResolver,
        UsersResolver,
        UsersService,
      ],
    };
  }
}
