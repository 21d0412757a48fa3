// Jest's own order, except on a run with no timings from an earlier one (a fresh clone, as in CI):
// then the files that start other programs (npm installs, Chromium, CLI and service processes)
// go first. Jest's fallback is file size; one of these started near the end set the end of the
// whole run while the other workers sat idle. With timings, jest runs the longest first itself.
import Sequencer from '@jest/test-sequencer';

const STARTS_PROGRAMS = /\/test\/(package|browser|integration\/cli|integration\/logs)\//;

export default class ProgramsFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((t) => t.duration != null)) return sorted;
    const rank = (t) => (STARTS_PROGRAMS.test(t.path) ? 0 : 1);
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
