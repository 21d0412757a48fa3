// The floor plan, enforced by `npm run lint` (docs/architecture.md draws it):
//   core ← store ← services ← doors ← main
// Nothing imports upward (a type-only import counts too), a door never imports another door,
// and there are no import cycles, between files or between folders.
const LAYERS = ['core', 'store', 'services', 'doors', 'main'];

const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `${layer}-imports-upward`,
  comment: `src/${layer} may import only ${LAYERS.slice(0, i).map((l) => `src/${l}`).join(', ') || 'node and packages'} and itself`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${LAYERS.slice(i + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'door-imports-door',
      comment: 'doors (api, slack, web, cli) do not import each other; main mounts each one',
      severity: 'error',
      from: { path: '^src/doors/([^/]+)/' },
      to: { path: '^src/doors/', pathNot: '^src/doors/$1/' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles, type-only ones included',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      comment: 'no cycles between folders either (a folder imports another only if that one never imports it back, through any file)',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that resolves to nothing is a typo or an undeclared package',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-dev-deps-at-run-time',
      comment: 'the service may not need a devDependency at run time (a target\'s contract.ts is test-only and not built)',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/doors/web/client/', '^src/doors/web/bundle\\.ts$', '/contract\\.ts$'] },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-dev-deps-at-run-time-but-the-page-bundler',
      comment:
        "the page's bundler loads esbuild only when run from the sources; a compiled build reads the bundle npm run build made (dist/doors/web/assets/)",
      severity: 'error',
      from: { path: '^src/doors/web/bundle\\.ts$' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'], pathNot: '^node_modules/esbuild/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
