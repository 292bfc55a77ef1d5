export * from './records.types';
export * from './rating.types';
export * from './model-spec.types';
export * from './standing.types';
export * from './governance.types';
export * from './statements';
