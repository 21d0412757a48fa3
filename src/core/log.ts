// The service log: pino, JSON for machines, or one readable line per message for people
// (pino-pretty) when stdout is a terminal or LOG_FORMAT=pretty. Secrets never reach a line in
// either form: known secret-bearing keys are redacted by pino before the line is written, and
// the pretty form is made from that redacted line.
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';

/** LOG_FORMAT: `pretty`, `json`, or unset (pretty on a terminal, JSON otherwise). */
export type LogFormat = 'pretty' | 'json';

const REDACT = {
  paths: ['secret', '*.secret', 'apiKey', '*.apiKey', 'authorization', '*.authorization', 'headers.authorization', 'url', '*.url'],
  censor: '[redacted]',
};

/** The format a log takes: the setting when given, else pretty when stdout is a terminal. */
export function resolveLogFormat(setting: LogFormat | undefined, stdoutIsTerminal = process.stdout.isTTY === true): LogFormat {
  return setting ?? (stdoutIsTerminal ? 'pretty' : 'json');
}

/**
 * pino-pretty, loaded only when a log is pretty: the JSON path never loads it. Written in this
 * process, synchronously, in the order of the lines around it (the start banner on stdout).
 */
function prettyStream(destination: DestinationStream | undefined, colorize: boolean): DestinationStream {
  const require = createRequire(import.meta.url);
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  return pretty({
    sync: true,
    colorize,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    // An error is its message on the same line; its stack is in the JSON form (LOG_FORMAT=json).
    ignore: 'pid,hostname,service,err',
    messageFormat: (line, key) => {
      const err = line.err as { type?: string; message?: string } | undefined;
      return err ? `${String(line[key] ?? '')}: ${err.type ?? 'Error'}: ${err.message ?? ''}` : String(line[key] ?? '');
    },
    ...(destination ? { destination } : {}),
  });
}

/**
 * `format` defaults to JSON (what a test's destination or a pipe wants); the service passes
 * `resolveLogFormat(config.LOG_FORMAT)`.
 */
export function createLogger(level: string, destination?: DestinationStream, format: LogFormat = 'json'): Logger {
  const options = { level, base: { service: 'forjinn-webhooks' }, redact: REDACT };
  if (format === 'pretty') {
    return pino(options, prettyStream(destination, !destination && process.stdout.isTTY === true));
  }
  return pino(options, destination);
}
export type { Logger };
