export * from './jobs';
export * from './channels';
export * from './job-options';
