export * from './database';
export * from './migrate';
export * from './persistence.module';
export * from './repositories';
