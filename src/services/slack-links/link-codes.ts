// One-time codes that link a Slack team to a Forjinn workspace with proof from both sides: the
// workspace's API key (or the operator's CLI) makes a code, and someone in the Slack team runs
// `/forjinn link <code>`. Slack signs that request with the team's team_id, so the team that
// ran it is the one linked; a key alone can no longer take a team by naming its id.
import { createHash, randomBytes } from 'node:crypto';
import type { Workspace } from '../../store/workspaces.js';
import type { Database, Queryable } from '../../store/database.js';
import { withTransaction } from '../../store/database.js';
import { deleteLinkCode, insertLinkCode, lockLinkCode } from '../../store/slack-link-codes.js';
import { findLink, linkTeam } from './links.js';

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
  const expiresAt = await insertLinkCode(db, { codeHash: hashOf(normalizeLinkCode(code)!), workspaceId: workspace.id, createdBy }, LIVE_CODES_MAX, LINK_CODE_TTL_S);
  return { code, expiresAt };
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
    const workspace = await lockLinkCode(c, hashOf(code));
    if (!workspace) return { kind: 'invalid' };
    const current = await findLink(c, team);
    if (current && current.workspace.id !== workspace.id) return { kind: 'taken', workspace, linkedTo: current.workspace.name };
    await deleteLinkCode(c, hashOf(code));
    if (current) return { kind: 'already', workspace };
    await linkTeam(c, team, workspace, { linkedBy, replace: false });
    return { kind: 'linked', workspace };
  });
}

/** The Slack command that redeems a code, as the API and the CLI print it beside a new code. */
export const LINK_USAGE = '/forjinn link <code>';
