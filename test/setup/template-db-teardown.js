// Jest globalTeardown: removes the run's template database (test/setup/template-db.js).
import { rmSync } from 'node:fs';

export default function removeTemplate() {
  if (globalThis.__fjwTemplateDir) rmSync(globalThis.__fjwTemplateDir, { recursive: true, force: true });
}
