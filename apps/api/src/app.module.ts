import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { TerminusModule } from '@nestjs/terminus';
import type { AppConfig } from '@app/config';
import { PersistenceModule } from '@app/persistence';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { FastifyRequest } from 'fastify';
import type IORedis from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AuditResolver } from './audit/audit.resolver';
import { AuthModule } from './auth/auth.module';
import { AuthenticationService } from './auth/authentication.service';
import { BanksResolver } from './banks/banks.resolver';
import { BanksService } from './banks/banks.service';
import { CompaniesResolver } from './companies/companies.resolver';
import { CompaniesService } from './companies/companies.service';
import { APP_CONFIG } from './common/config.provider';
import { createFormatError } from './common/error-format';
import { queryLimitsPlugin } from './common/limits.plugin';
import { LoaderFactory } from './common/loaders';
import type { RequestContext } from './common/request-context';
import { ConsortiaResolver } from './consortia/consortia.resolver';
import { ConsortiaService } from './consortia/consortia.service';
import { HealthController } from './health/health.controller';
import { createRedis, REDIS } from './health/redis.provider';
import { MetricsModule } from './metrics/metrics.module';
import { MetricsService } from './metrics/metrics.service';
import { PolicyModule } from './policy/policy.module';
import { CompanyRatingResolver } from './ratings/ratings.resolver';
import { ConsortiumStandingResolver } from './standing/standing.resolver';
import { UsersResolver } from './users/users.resolver';
import { UsersService } from './users/users.service';

const LOGGER = Symbol('LOGGER');

/** Global providers of the API; closes its Redis connection when the app stops. */
@Module({})
export class CoreModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: IORedis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    const production = config.nodeEnv === 'production';
    const core: DynamicModule = {
      module: CoreModule,
      global: true,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: REDIS, useFactory: () => createRedis(config, 'credit-alliance-api') },
        LoaderFactory,
      ],
      exports: [APP_CONFIG, LOGGER, REDIS, LoaderFactory],
    };

    return {
      module: AppModule,
      imports: [
        core,
        LoggerModule.forRoot({
          pinoHttp: {
            logger,
            genReqId: (req, res) => {
              const given = req.headers['x-request-id'];
              const id = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : crypto.randomUUID();
              res.setHeader('x-request-id', id);
              return id;
            },
            autoLogging: { ignore: (req) => req.url === '/health/live' || req.url === '/metrics' },
            quietReqLogger: true,
          },
        }),
        PersistenceModule.forRoot(config, 'credit-alliance-api'),
        TerminusModule,
        MetricsModule,
        PolicyModule,
        AuthModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [AuthModule],
          inject: [AuthenticationService, LoaderFactory, MetricsService],
          useFactory: (authentication: AuthenticationService, loaders: LoaderFactory, metrics: MetricsService): ApolloDriverConfig => ({
            path: '/graphql',
            autoSchemaFile: true,
            sortSchema: true,
            buildSchemaOptions: { dateScalarMode: 'isoDate', numberScalarMode: 'float' },
            introspection: !production,
            playground: false,
            includeStacktraceInErrorResponses: false,
            hideSchemaDetailsFromClientErrors: production,
            csrfPrevention: true,
            allowBatchedHttpRequests: false,
            formatError: createFormatError(logger),
            // our plugins are typed against @apollo/server's CommonJS build, @nestjs/apollo's
            // options against its ES module build: the same shapes, declared twice
            plugins: [
              queryLimitsPlugin(config.graphql),
              metrics.graphqlPlugin(),
              ...(production ? [ApolloServerPluginLandingPageDisabled()] : []),
            ] as unknown as ApolloDriverConfig['plugins'],
            context: async (req: FastifyRequest): Promise<RequestContext> => {
              const { actor, error } = await authentication.authenticate(req.headers);
              return { req, actor, authError: error, loaders: loaders.create(), ip: req.ip };
            },
          }),
        }),
      ],
      controllers: [HealthController],
      providers: [
        AuditResolver,
        BanksResolver,
        BanksService,
        CompaniesResolver,
        CompaniesService,
        CompanyRatingResolver,
        ConsortiaResolver,
        ConsortiaService,
        ConsortiumStandingResolver,
        UsersResolver,
        UsersService,
      ],
    };
  }
}
