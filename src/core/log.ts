// pino JSON logs. Secrets never reach a log line: known secret-bearing keys are redacted.
import { pino, type DestinationStream, type Logger } from 'pino';

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
    level,
    base: { service: 'forjinn-webhooks' },
    redact: {
      paths: ['secret', '*.secret', 'apiKey', '*.apiKey', 'authorization', '*.authorization', 'headers.authorization', 'url', '*.url'],
      censor: '[redacted]',
    },
  },
    destination,
  );
}
export type { Logger };
