// Connect-time address check (SSRF). Outside production private targets are allowed by default;
// the full guard (DNS pinning, every reserved range) is the hardening issue's work.
import type { Agent } from 'undici';
import type { Config } from '../config/config.js';

export function connectGuard(_config: Pick<Config, 'allowPrivate' | 'FORJINN_ALLOWED_CIDRS'>): Agent.Options['connect'] {
  return {};
}
