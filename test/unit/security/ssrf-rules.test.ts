// The address rules of the SSRF guard, and the save-time URL check that uses them: every range
// the contract names is refused when private targets are, IPv4 hidden in IPv6 included, and the
// odd spellings of 127.0.0.1 are caught after the URL parser normalised them.
import { describe, expect, test } from '@jest/globals';
import { blockedReason, type AddressPolicy } from '../../../src/services/delivery/ssrf.js';
import { parseCidrList } from '../../../src/core/net-ranges.js';
import { checkWebhookUrl, type UrlRules } from '../../../src/services/webhooks/url.js';
import { ConfigError, loadConfig } from '../../../src/core/config.js';
import { ApiError } from '../../../src/core/errors.js';

const strict: AddressPolicy = { allowPrivate: false, allowed: [] };
const open: AddressPolicy = { allowPrivate: true, allowed: [] };

describe('addresses refused when private targets are', () => {
  test.each([
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /unspecified/],
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['169.254.169.254', /link-local/],
    ['169.254.0.1', /link-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.255', /carrier-grade NAT/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['240.0.0.1', /reserved/],
    ['192.0.0.8', /reserved/],
    ['192.0.2.1', /reserved/],
    ['198.18.0.1', /reserved/],
    ['198.19.255.255', /reserved/],
    ['198.51.100.7', /reserved/],
    ['203.0.113.5', /reserved/],
    ['::1', /loopback/],
    ['::', /unspecified/],
    ['fd00:ec2::254', /unique-local/],
    ['fc00::1', /unique-local/],
    ['fe80::1', /link-local/],
    ['fec0::1', /site-local/],
    ['ff02::1', /multicast/],
    ['::ffff:127.0.0.1', /loopback/],
    ['::ffff:7f00:1', /loopback/],
    ['::ffff:169.254.169.254', /link-local/],
    ['::ffff:10.0.0.1', /private/],
    ['64:ff9b::7f00:1', /NAT64/],
    ['64:ff9b::a9fe:a9fe', /NAT64/],
    ['2002:7f00:1::1', /6to4/],
    ['2002:a9fe:a9fe::', /6to4/],
    ['2001:db8::1', /reserved/],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo|reserved/],
    ['::127.0.0.1', /loopback|not a global IPv6 address/],
    ['100::1', /discard|not a global/],
  ])('%s is refused (%s)', (address, reason) => {
    expect(blockedReason(address, strict)).toMatch(reason);
    expect(blockedReason(address, open)).toBeUndefined();
  });

  test.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '2a00:1450:4001:81c::200e', '::ffff:8.8.8.8'])('%s, a public address, is allowed', (address) => {
    expect(blockedReason(address, strict)).toBeUndefined();
  });

  test('FORJINN_ALLOWED_CIDRS opens exactly its ranges, for mapped forms too', () => {
    const policy: AddressPolicy = { allowPrivate: false, allowed: parseCidrList('10.20.0.0/16, 127.0.0.2, fd00:1::/32') };
    expect(blockedReason('10.20.3.4', policy)).toBeUndefined();
    expect(blockedReason('::ffff:10.20.3.4', policy)).toBeUndefined();
    expect(blockedReason('10.21.0.1', policy)).toMatch(/private/);
    expect(blockedReason('127.0.0.2', policy)).toBeUndefined();
    expect(blockedReason('127.0.0.1', policy)).toMatch(/loopback/);
    expect(blockedReason('fd00:1::5', policy)).toBeUndefined();
    expect(blockedReason('fd00:2::5', policy)).toMatch(/unique-local/);
  });

  test('an answer that is not an address is never dialled', () => {
    expect(blockedReason('localhost', open)).toBe('not an IP address');
  });
});

describe('FORJINN_ALLOWED_CIDRS is validated when the configuration loads', () => {
  test.each([
    ['10.0.0.0/33', /10\.0\.0\.0\/33.*prefix length must be 0 to 32/],
    ['10.0.0/8', /"10\.0\.0\/8" is not a CIDR/],
    ['0x7f.1/32', /is not a CIDR/],
    ['fd00::/129', /0 to 128/],
    ['10.0.0.0/8/1', /is not a CIDR/],
    ['example.com', /is not a CIDR/],
    ['10.0.0.0/x', /prefix length/],
  ])('%s stops the start with a clear message', (value, message) => {
    expect(() => loadConfig({ FORJINN_ALLOWED_CIDRS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ FORJINN_ALLOWED_CIDRS: value })).toThrow(/FORJINN_ALLOWED_CIDRS=/);
    expect(() => loadConfig({ FORJINN_ALLOWED_CIDRS: value })).toThrow(message);
  });

  test('a valid list loads', () => {
    expect(loadConfig({ FORJINN_ALLOWED_CIDRS: '10.0.0.0/8, 192.168.1.5,fd00::/8' }).allowedRanges.map(([a, n]) => `${a.toString()}/${n}`)).toEqual(['10.0.0.0/8', '192.168.1.5/32', 'fd00::/8']);
  });
});

describe('URLs checked when saved', () => {
  const refused: UrlRules = { production: false, allowPrivate: false, allowedRanges: [] };
  const allowed: UrlRules = { production: false, allowPrivate: true, allowedRanges: [] };
  const fieldError = (fn: () => unknown): ApiError => {
    try {
      fn();
    } catch (e) {
      return e as ApiError;
    }
    throw new Error('expected the URL to be refused');
  };

  test.each([
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://0/',
    'http://[::1]/',
    'http://[::ffff:7f00:1]/',
    'http://[::ffff:127.0.0.1]:8080/x',
    'http://[0:0:0:0:0:ffff:7f00:1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://[64:ff9b::7f00:1]/',
    'http://[2002:7f00:1::]/',
    'http://100.64.0.1/',
    'http://198.18.0.1/',
    'http://10.0.0.1/',
    'http://[fe80::1]/',
  ])('%s is refused with field url', (raw) => {
    const e = fieldError(() => checkWebhookUrl(raw, refused));
    expect(e).toMatchObject({ code: 'validation_error', field: 'url' });
    expect(e.message).toMatch(/address; private, loopback and link-local targets are refused/);
    expect(() => checkWebhookUrl(raw, allowed)).not.toThrow();
  });

  test('an IPv6 zone id is not a URL at all', () => {
    expect(fieldError(() => checkWebhookUrl('http://[fe80::1%25eth0]/', allowed))).toMatchObject({ field: 'url', message: expect.stringMatching(/not a valid URL/) });
  });

  test('a public literal address and a name pass the synchronous check', () => {
    expect(checkWebhookUrl('https://93.184.216.34/hook', refused).hostname).toBe('93.184.216.34');
    expect(checkWebhookUrl('https://hooks.example.com/x', refused).hostname).toBe('hooks.example.com');
  });

  test('production refuses http, and the message says https', () => {
    const e = fieldError(() => checkWebhookUrl('http://hooks.example.com/x', { ...refused, production: true }));
    expect(e).toMatchObject({ field: 'url' });
    expect(e.message).toMatch(/must use https in production/);
  });
});
