/*
 * Dependencies point one way (docs/ARCHITECTURE.md): the model and lib import nothing else of
 * src/; the data plane never reaches into the store, health checker, supervisor or CLI; only the
 * composition root (node/) and the CLI choose the store implementation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const src = resolve(import.meta.dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Top-level src folder of every relative import of every file. */
function imports(): Array<{ from: string; file: string; to: string; target: string }> {
  const out = [];
  for (const file of files(src)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
      const target = relative(src, resolve(dirname(file), m[1]!));
      out.push({ from: relative(src, file).split('/')[0]!, file: relative(src, file), to: target.split('/')[0]!, target });
    }
  }
  return out;
}

const allowed: Record<string, string[]> = {
  model: ['model'],
  lib: ['lib'],
  store: ['store', 'model'],
  snapshot: ['snapshot', 'model', 'store'],
  config: ['config', 'model', 'store', 'lib'],
  health: ['health', 'model', 'snapshot', 'store'],
  dataplane: ['dataplane', 'model', 'snapshot', 'lib'],
  secrets: ['secrets'],
  loadtest: ['loadtest'],
  demo: ['demo', 'loadtest'],
  controlplane: ['controlplane', 'model', 'store', 'secrets', 'lib', 'snapshot', 'monitoring'],
  monitoring: ['monitoring'],
};

test('each module imports only what the architecture allows', () => {
  const wrong = imports()
    .filter((i) => allowed[i.from] !== undefined && !allowed[i.from]!.includes(i.to))
    .map((i) => `${i.file} imports ${i.target}`);
  assert.deepEqual(wrong, []);
});

test('only node/ and cli/ pick the store implementation', () => {
  const wrong = imports()
    .filter((i) => i.target.startsWith('store/sqlite') && !['node', 'cli', 'store'].includes(i.from))
    .map((i) => `${i.file} imports ${i.target}`);
  assert.deepEqual(wrong, []);
});
