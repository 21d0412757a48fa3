// Address ranges as the configuration names them (FORJINN_ALLOWED_CIDRS), parsed once when the
// configuration loads; the SSRF guard (services/delivery/ssrf.ts) matches addresses against them.
import ipaddr from 'ipaddr.js';

export type Address = ipaddr.IPv4 | ipaddr.IPv6;
export type Cidr = [Address, number];

/** FORJINN_ALLOWED_CIDRS: comma-separated CIDRs (a bare address is one host). Throws naming the bad entry. */
export function parseCidrList(text: string): Cidr[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [addr, bits, extra] = entry.split('/');
      // Only the plain forms: "0x7f.1" or "10.1" would be read by ipaddr.js but not by a person.
      const v4 = ipaddr.IPv4.isValidFourPartDecimal(addr);
      if (extra !== undefined || (!v4 && !ipaddr.IPv6.isValid(addr))) {
        throw new Error(`"${entry}" is not a CIDR such as 10.0.0.0/8, 192.168.1.5/32 or fd00::/8`);
      }
      const max = v4 ? 32 : 128;
      const n = bits === undefined ? max : Number(bits);
      if (!/^\d{1,3}$/.test(bits ?? String(max)) || n > max) throw new Error(`"${entry}": the prefix length must be 0 to ${max}`);
      return [ipaddr.parse(addr), n] as Cidr;
    });
}
