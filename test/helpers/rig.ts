// The set-up most integration files share: a service (test/helpers/service.ts: its own database,
// a real HTTP server, the API client `svc.api`) and a real receiver on 127.0.0.1:0
// (test/helpers/receiver.ts), started before the file's tests and closed after them.
//
//   const { svc, rx } = useRig({ env: { FORJINN_DELIVERY_TIMEOUT_MS: '500' } });
//
// `svc` and `rx` are usable in tests and hooks (not at the module's top level, before beforeAll
// has run). The receiver starts before the service, and the service closes before the receiver.
// A file's own set-up that the service needs first (a fake Slack) goes in a beforeAll declared
// before useRig, with `env` as a function (jest runs a block's hooks in the order declared, its
// afterAll hooks too). A failed test keeps the service's database and prints where it is
// (service.ts).
import { afterAll, beforeAll } from '@jest/globals';
import type { Roles } from '../../src/main/service.js';
import { ok, startReceiver, type Receiver, type Responder } from './receiver.js';
import { SLACK_EXAMPLE, startFakeSlack, type FakeSlack } from './fake-slack.js';
import { startService, type TestService } from './service.js';

export interface RigOptions {
  /**
   * Environment for the service, over testEnv's. A function is called in useRig's beforeAll once
   * the receiver is up (so it may use `rx.url`, or something a beforeAll declared before useRig
   * started, such as a fake Slack's URL).
   */
  env?: Record<string, string> | (() => Record<string, string>);
  /** Which roles the service runs (default: api and worker). */
  roles?: Roles;
  /** How the receiver answers at first (default: 200 "ok"); `rx.respond` changes it. */
  responder?: Responder;
  /** Without a receiver: `rx` is then unusable. */
  receiver?: boolean;
  /**
   * With a fake Slack Web API (fake-slack.ts) as `fake`, started first and closed last: the
   * service gets its URL as SLACK_API_URL, SLACK_EXAMPLE's signing secret and a bot token (the
   * Slack app on); `env` may set others over them.
   */
  fakeSlack?: boolean;
}

export interface Rig {
  svc: TestService;
  rx: Receiver;
  /** The fake Slack of `fakeSlack: true`. */
  fake: FakeSlack;
}

/** An object whose properties are those of `get()`'s answer at the time they are read. */
function late<T extends object>(what: string, get: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_t, prop) {
      const target = get();
      if (!target) throw new Error(`${what} is not started yet: use it in a test or hook, after useRig's beforeAll`);
      return Reflect.get(target, prop, target);
    },
    set(_t, prop, value) {
      const target = get();
      if (!target) throw new Error(`${what} is not started yet`);
      return Reflect.set(target, prop, value, target);
    },
  });
}

export function useRig(opts: RigOptions = {}): Rig {
  let svc: TestService | undefined;
  let rx: Receiver | undefined;
  let fake: FakeSlack | undefined;
  beforeAll(async () => {
    if (opts.fakeSlack) fake = await startFakeSlack();
    if (opts.receiver !== false) rx = await startReceiver(opts.responder ?? ok);
    const env = typeof opts.env === 'function' ? opts.env() : opts.env;
    svc = await startService(fake ? { SLACK_SIGNING_SECRET: SLACK_EXAMPLE.secret, SLACK_BOT_TOKEN: 'xoxb-rig-token', SLACK_API_URL: fake.apiUrl, ...env } : env, opts.roles);
  });
  afterAll(async () => {
    await svc?.close();
    await rx?.close();
    await fake?.close();
  });
  return { svc: late('the service', () => svc), rx: late('the receiver', () => rx), fake: late('the fake Slack (fakeSlack: true)', () => fake) };
}
