export * from './jobs';
export * from './channels';
