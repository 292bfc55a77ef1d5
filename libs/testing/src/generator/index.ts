export * from './cluster-generator';
export * from './random';
