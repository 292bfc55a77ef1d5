export * from './csv-import';
export * from './csv-parser';
export * from './negative-information';
export * from './record-input';
export * from './record.types';
export * from './status-machine';
