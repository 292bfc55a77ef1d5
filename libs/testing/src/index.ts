export * from './credit-codes';
export * from './factories';
export * from './graphql-client';
export * from './test-config';
export * from './rating-fixtures';
