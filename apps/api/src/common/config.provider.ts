import type { AppConfig } from '@app/config';

/** Injection token of the validated configuration (read once in main.ts). */
export const APP_CONFIG = Symbol('APP_CONFIG');
export type { AppConfig };
