// One-time codes that link a Slack team to a Forjinn workspace with proof from both sides: the
// workspace's API key (or the operator's CLI) makes a code, and someone in the Slack team runs
// `/forjinn link <code>`. Slack signs that request with the team's team_id, so the team that
// ran it is the one linked; a key alone can no longer take a team by naming its id.
import { createHash, randomBytes } from 'node:crypto';
import type { SlashCommand } from '@slack/bolt';
import type { Workspace } from '../../store/api-keys.js';
import type { AppContext } from '../../core/context.js';
import type { Database, Queryable } from '../../store/database.js';
import { withTransaction } from '../../store/database.js';
import { findLink, linkTeam } from './links.js';
import { escapeSlack, say, USAGE, warn, type Reply } from '../../doors/slack/messages.js';
import { UsageError } from '../../doors/slack/parse.js';

// Crockford's base32 (no I, L, O, U): a code read off a screen and typed is not misread.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
// 16 characters of 5 bits: 80 random bits. Codes are only tried through commands Slack signed,
// a few thousand at most in a code's 10 minutes, so a guess never lands, and a fast hash is
// enough to store one (as for API keys).
const CODE_LENGTH = 16;
// Long enough to switch to Slack and run the command; short enough that a code left on a
// screen or in a chat is soon worth nothing.
export const LINK_CODE_TTL_S = 10 * 60;
// Every POST /v1/slack/link-codes makes a row; a cap keeps a script from filling the table.
// Five at once is plenty for people linking several teams; a sixth replaces the oldest.
export const LIVE_CODES_MAX = 5;

/** A new code, as shown: XXXX-XXXX-XXXX-XXXX. */
export function newLinkCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  // 256 is a multiple of 32, so `byte % 32` is uniform.
  const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

/** The code as stored (upper case, no dashes or spaces), or undefined when it cannot be one. */
export function normalizeLinkCode(raw: string): string | undefined {
  const code = raw.toUpperCase().replace(/[\s-]/g, '');
  return code.length === CODE_LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : undefined;
}

const hashOf = (code: string): Buffer => createHash('sha256').update(code).digest();

/**
 * Stores a new code for the workspace; answers it (the only time it is seen) and its expiry.
 * The same statement drops expired codes and all but the newest of the workspace's live ones.
 */
export async function createLinkCode(db: Queryable, workspace: Workspace, createdBy: 'api' | 'cli'): Promise<{ code: string; expiresAt: Date }> {
  const code = newLinkCode();
  const { rows } = await db.query<{ expires_at: Date }>(
    `with pruned as (
       delete from slack_link_codes
       where expires_at <= now()
          or (workspace_id = $2 and code_hash not in (
                select code_hash from slack_link_codes where workspace_id = $2 and expires_at > now()
                order by created_at desc, code_hash limit $4::int - 1))
     )
     insert into slack_link_codes (code_hash, workspace_id, created_by, expires_at)
     values ($1, $2, $3, now() + make_interval(secs => $5))
     returning expires_at`,
    [hashOf(normalizeLinkCode(code)!), workspace.id, createdBy, LIVE_CODES_MAX, LINK_CODE_TTL_S],
  );
  return { code, expiresAt: rows[0].expires_at };
}

export type Redeemed =
  | { kind: 'invalid' }
  | { kind: 'linked'; workspace: Workspace }
  | { kind: 'already'; workspace: Workspace }
  | { kind: 'taken'; workspace: Workspace; linkedTo: string };

/**
 * Uses a code for `team`. A code is used up only by a link made (or one already there); a team
 * linked to another workspace keeps its link and the code stays usable. The row lock makes a
 * code single use when two commands bring it at once.
 */
export async function redeemLinkCode(db: Database, raw: string, team: string, linkedBy: string): Promise<Redeemed> {
  const code = normalizeLinkCode(raw);
  if (!code) return { kind: 'invalid' };
  return withTransaction(db, async (c) => {
    const { rows } = await c.query<Workspace>(
      `select w.id, w.name from slack_link_codes lc join workspaces w on w.id = lc.workspace_id
       where lc.code_hash = $1 and lc.expires_at > now() for update of lc`,
      [hashOf(code)],
    );
    const workspace = rows[0];
    if (!workspace) return { kind: 'invalid' };
    const current = await findLink(c, team);
    if (current && current.workspace.id !== workspace.id) return { kind: 'taken', workspace, linkedTo: current.workspace.name };
    await c.query('delete from slack_link_codes where code_hash = $1', [hashOf(code)]);
    if (current) return { kind: 'already', workspace };
    await linkTeam(c, team, workspace, { linkedBy, replace: false });
    return { kind: 'linked', workspace };
  });
}

export const LINK_USAGE = USAGE.link;
const WHERE_CODES =
  "make one with the Forjinn workspace's API key (`POST /v1/slack/link-codes`) or ask the service's admin " +
  '(`forjinn-webhooks slack link-code --workspace <name>`)';

/** `/forjinn link <code>`: the reply, after the caller checked SLACK_ADMIN_USERS. */
export async function linkCommand(ctx: AppContext, body: SlashCommand, words: string[], usage: string): Promise<Reply> {
  if (words.length === 0) throw new UsageError(`missing the code: ${WHERE_CODES}`, usage);
  if (words.length > 1) throw new UsageError('give the one code, as shown (XXXX-XXXX-XXXX-XXXX)', usage);
  const team = body.team_id;
  const result = await redeemLinkCode(ctx.db, words[0], team, `slack:${body.user_id}`);
  // Who tried which team, never the code: a run of refusals from one team is worth seeing.
  ctx.log.info({ component: 'slack', team, user: body.user_id, outcome: result.kind, workspace: 'workspace' in result ? result.workspace.name : undefined }, 'slack link code');
  const name = (w: Workspace) => `*${escapeSlack(w.name)}*`;
  switch (result.kind) {
    case 'invalid':
      return warn(`that is not a valid link code, or it was used or has expired: ${WHERE_CODES}, then run the command again`);
    case 'taken':
      return warn(
        // warn() escapes the whole message itself.
        `this Slack workspace is already linked to the Forjinn workspace *${result.linkedTo}*; ` +
          `unlink it there first (\`DELETE /v1/slack/links/${team}\` with that workspace's API key, or \`forjinn-webhooks slack unlink --team ${team}\`). The code can still be used.`,
      );
    case 'already':
      return say(`This Slack workspace is already linked to ${name(result.workspace)}; nothing changed.`);
    case 'linked':
      return say(
        `:link: Linked this Slack workspace (${team}) to the Forjinn workspace ${name(result.workspace)}. ` +
          "Its commands now act on that workspace's webhooks.",
      );
  }
}
