// ESM TypeScript through ts-jest; needs NODE_OPTIONS=--experimental-vm-modules (set by `npm test`).

// Fault tests stop the database server and kill processes: `npm run test:faults` (which sets
// FORJINN_FAULTS) runs them alone, one at a time, after the suite (see .ci/run). With
// FORJINN_FAULTS set, only they run, one at a time, however jest was started: an exported
// FORJINN_FAULTS never mixes them into a parallel run of the suite. Without it, they never run.
const faults = Boolean(process.env.FORJINN_FAULTS);

export default {
  preset: 'ts-jest/presets/default-esm',
  roots: [faults ? '<rootDir>/test/faults' : '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // `*.postgres.test.ts` need a server (several processes on one database, a server restart) and
  // run in the DATABASE_URL pass; `*.embedded.test.ts` test PGlite's own files and run in the other.
  // Both passes run in CI, so each file runs once where it means something, never as a skip.
  testPathIgnorePatterns: [
    '/node_modules/',
    ...(faults ? [] : ['<rootDir>/test/faults/']),
    process.env.DATABASE_URL ? '\\.embedded\\.test\\.ts$' : '\\.postgres\\.test\\.ts$',
  ],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
  },
  // The embedded database is made and migrated once per run; each file's services copy it.
  globalSetup: '<rootDir>/test/setup/template-db.js',
  // Node's, and a failed test keeps its service's database (test/setup/environment.js).
  testEnvironment: '<rootDir>/test/setup/environment.js',
  globalTeardown: '<rootDir>/test/setup/template-db-teardown.js',
  // Files that start other programs first on a run without timings (a fresh clone).
  testSequencer: '<rootDir>/test/setup/sequencer.js',
  // Generous: a PGlite start is ~4 s on a quiet machine but several times that on a busy one.
  testTimeout: 120000,
  // Three files at a time on a 2-core machine: many files spend much of their time waiting (a
  // vendor's pace, a group's wait, a retry's delay, a spawned process starting) rather than
  // computing, and a third file fills those gaps. Measured on the embedded pass, same commit, same
  // sitting (quiet but for two editors): 306 s with two, 230 s with three, 225 s with four. (Before
  // the temporary files moved to tmpfs, copying data directories kept the CPU busy and three
  // measured no faster: 277 s against 284 s.)
  maxWorkers: faults ? 1 : 3,
};
