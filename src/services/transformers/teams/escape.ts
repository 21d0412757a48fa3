// Adaptive Card markdown escaping, and the `{{teams …}}` template helper that applies it.
import { textHelper } from '../shared/helpers.js';

/**
 * Adaptive Card markdown (a CommonMark subset: bold, italic, lists, links). CommonMark's
 * backslash escapes neutralise them; a link needs `](`, so a lone bracket stays as it is;
 * HTML is never rendered, so `<` needs nothing.
 */
export function escapeTeams(text: string): string {
  return text
    .replace(/[\\*_`~]|\](?=\()/g, '\\$&')
    .replace(/^(\s*)([-+#>])/gm, '$1\\$2')
    .replace(/^(\s*\d+)\.(?=\s)/gm, '$1\\.');
}

export const TEAMS_HELPERS = [textHelper('teams', escapeTeams)] as const;
