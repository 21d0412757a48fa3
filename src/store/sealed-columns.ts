// Every sealed value of the schema, whatever its table: the `*_enc` text columns. Only
// rotate-master-key reads them this way (doors/cli/master-key-commands.ts); found by name, so a
// column a later migration adds (the Slack app's, say) is rotated without this file knowing it.
import type { Queryable } from './database.js';

export interface SealedColumn {
  table: string;
  column: string;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function sealedColumns(tx: Queryable): Promise<SealedColumn[]> {
  const { rows } = await tx.query<SealedColumn>(
    `select table_name as "table", column_name as "column" from information_schema.columns
     where table_schema = current_schema() and column_name like '%\\_enc' escape '\\' and data_type = 'text'
     order by table_name, column_name`,
  );
  return rows;
}

/** The different values stored in a column (one re-seal each, however many rows hold it). */
export async function sealedValues(tx: Queryable, { table, column }: SealedColumn): Promise<string[]> {
  const t = ident(table);
  const c = ident(column);
  const { rows } = await tx.query<{ v: string }>(`select distinct ${c} as v from ${t} where ${c} is not null`);
  return rows.map((r) => r.v);
}

/** Replaces a value wherever the column holds it; answers how many rows changed. */
export async function replaceSealedValue(tx: Queryable, { table, column }: SealedColumn, from: string, to: string): Promise<number> {
  const t = ident(table);
  const c = ident(column);
  const { rowCount } = await tx.query(`update ${t} set ${c} = $2 where ${c} = $1`, [from, to]);
  return rowCount ?? 0;
}

/** How many values of the column are not sealed under the key `keyId`. */
export async function countNotSealedUnder(tx: Queryable, { table, column }: SealedColumn, keyId: string): Promise<number> {
  const t = ident(table);
  const c = ident(column);
  const { rows } = await tx.query<{ n: number }>(`select count(*)::int as n from ${t} where ${c} is not null and ${c} not like $1`, [`v1.${keyId}.%`]);
  return rows[0].n;
}
