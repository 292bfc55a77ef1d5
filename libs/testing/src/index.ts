export * from './credit-codes';
export * from './database';
export * from './factories';
export * from './graphql-client';
export * from './test-config';
export * from './generator';
