// rotate-master-key: re-encrypts every sealed value under a new master key, in one transaction.
//
// Sealed columns are found by name (every `*_enc` column of the schema: store/sealed-columns.ts),
// so a column a later migration adds (the Slack app's, say) is rotated without this file knowing about it.
//
// The embedded default keeps its key in DATA_DIR/master.key. Order matters there: the new key is
// written to master.key.next (flushed to disk) before any row changes, the rows are re-encrypted
// and committed, and only then does master.key.next replace master.key. A run cut short anywhere
// leaves either nothing changed or a master.key.next that the next run picks up and finishes.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type pg from 'pg';
import { loadConfig } from '../../core/config.js';
import { withTransaction } from '../../store/database.js';
import { countNotSealedUnder, replaceSealedValue, sealedColumns, sealedValues } from '../../store/sealed-columns.js';
import { assertEmbeddedExists } from '../../store/embedded.js';
import { createCipher, loadMasterKey, masterKeyId, parseMasterKey, sealedKeyId, writeKeyFile, type Cipher } from '../../core/crypto.js';
import { createLogger, resolveLogFormat } from '../../core/log.js';
import { CliError, parse } from './args.js';
import type { Command } from './command.js';

const USAGE = 'forjinn-webhooks rotate-master-key [--new-key <32 bytes, base64 or hex>]';

const HELP = `${USAGE}

Re-encrypts every stored secret (webhook URLs, secrets, transformer settings, headers, and any
other *_enc column) under a new master key, in one transaction. Without --new-key a key is
generated. Stop every forjinn-webhooks process using this database first.

  FORJINN_MASTER_KEY set:   the new key is printed (when generated); set FORJINN_MASTER_KEY to it
                            for every process, then start them again.
  embedded default:         DATA_DIR/master.key is replaced; start the service as before.

A run cut short can be run again: it finishes what the last one began.`;

/** Re-seals every value not yet under `to`'s key; answers how many values each column had re-sealed. */
export async function resealAll(tx: pg.PoolClient, from: Cipher, to: Cipher): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const col of await sealedColumns(tx)) {
    const { table, column } = col;
    let n = 0;
    for (const v of await sealedValues(tx, col)) {
      if (sealedKeyId(v) === to.keyId) continue; // already under the new key (a resumed run)
      let plain: string;
      try {
        plain = from.decrypt(v);
      } catch {
        throw new CliError(`${table}.${column}: a value sealed with an unknown master key (${sealedKeyId(v) ?? 'not a sealed value'}); nothing was changed`);
      }
      n += await replaceSealedValue(tx, col, v, to.encrypt(plain));
    }
    // Nothing may be left under another key: the old key is about to be thrown away.
    const left = await countNotSealedUnder(tx, col, to.keyId);
    if (left > 0) throw new CliError(`${table}.${column}: ${left} values could not be re-encrypted; nothing was changed`);
    counts.set(`${table}.${column}`, n);
  }
  return counts;
}

async function rotate(newKeyText: string | undefined): Promise<number> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, undefined, resolveLogFormat(config.LOG_FORMAT));
  const fileMode = !config.FORJINN_MASTER_KEY;
  const keyFile = join(resolve(config.DATA_DIR), 'master.key');
  const nextFile = `${keyFile}.next`;
  // Never a new database or key: a mistyped DATA_DIR is an error naming it.
  if (!config.DATABASE_URL) assertEmbeddedExists(config.DATA_DIR);
  const current = loadMasterKey(config.FORJINN_MASTER_KEY, config.DATA_DIR, { mustExist: true }).key;

  let next: Buffer;
  let resumed = false;
  if (fileMode && existsSync(nextFile)) {
    next = parseMasterKey(readFileSync(nextFile, 'utf8'));
    if (newKeyText && !parseMasterKey(newKeyText).equals(next)) {
      throw new CliError(`${nextFile} holds the key of a rotation that did not finish; run again without --new-key to finish it first`);
    }
    resumed = true;
  } else {
    next = newKeyText ? parseMasterKey(newKeyText) : randomBytes(32);
  }
  if (next.equals(current)) throw new CliError('the new key is the current master key; nothing to do');
  // Exclusive: the embedded database refuses while a service holds it (it would keep serving
  // values sealed with a key it no longer has).
  // Loaded on use: --help and usage errors need none of the store.
  const { openContext } = await import('../../store/open.js');
  const { ctx } = await openContext(config, { exclusive: true, log, mustExist: true });
  let counts: Map<string, number>;
  try {
    // The new key is kept somewhere before any row depends on it.
    if (fileMode && !resumed) writeKeyFile(nextFile, next);
    if (!fileMode && !newKeyText) process.stdout.write(`New master key (keep it):\n\n  ${next.toString('base64')}\n\n`);
    try {
      counts = await withTransaction(ctx.db, (tx) => resealAll(tx, createCipher(current, [next]), createCipher(next)));
    } catch (err) {
      // A refusal of resealAll rolled back for certain: the old key stays the key. Any other
      // error (the connection lost around the commit) leaves master.key.next for the next run.
      if (fileMode && !resumed && err instanceof CliError) unlinkSync(nextFile);
      throw err;
    }
  } finally {
    await ctx.db.close();
  }
  if (fileMode) renameSync(nextFile, keyFile);

  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const out = process.stdout;
  out.write(`${resumed ? 'finished an interrupted rotation: ' : ''}re-encrypted ${total} value${total === 1 ? '' : 's'} under master key ${masterKeyId(next)}\n`);
  for (const [col, n] of counts) out.write(`  ${col}: ${n}\n`);
  if (fileMode) {
    out.write(`\n${keyFile} now holds the new key; start the service as before.\n`);
  } else {
    out.write('\nSet FORJINN_MASTER_KEY to the new key for every process, then start them again.\n');
  }
  return 0;
}

export const masterKeyCommands: Command[] = [
  {
    name: 'rotate-master-key',
    summary: 'Re-encrypt every stored secret under a new master key',
    usage: HELP,
    async run(args) {
      const { values, positionals } = parse(args, { 'new-key': { type: 'string' } }, USAGE);
      if (positionals.length) throw new CliError(`unexpected argument ${positionals[0]}\n\nusage: ${USAGE}`);
      if (values['new-key'] !== undefined) {
        try {
          parseMasterKey(values['new-key']);
        } catch {
          throw new CliError(`--new-key: expected 32 bytes as base64 (44 characters) or hex (64): openssl rand -base64 32\n\nusage: ${USAGE}`);
        }
      }
      return rotate(values['new-key']);
    },
  },
];
