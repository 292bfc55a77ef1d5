import type { AppConfig } from './config';
import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Secrets never reach them: credentials in headers and any field
 * named like a password or token are redacted wherever they appear.
 */
export function createLogger(config: Pick<AppConfig, 'logLevel'>, name: string): Logger {
  return pino({
    name,
    level: config.logLevel,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        '*.password',
        '*.refreshToken',
        '*.accessToken',
        '*.secret',
        'variables.*.password',
      ],
      censor: '[redacted]',
    },
  });
}
