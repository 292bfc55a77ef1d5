/** Injection token of the validated configuration in the worker. */
export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
