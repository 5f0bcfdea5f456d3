/** The import boundaries of ARCHITECTURE.md, checked on every file. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...files(path));
    else if (/\.(ts|tsx)$/.test(name)) out.push(path);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3]!,
  );
}

describe('import boundaries', () => {
  it('only electron/main and electron/preload import electron', () => {
    const offenders = [...files('electron/core'), ...files('shared'), ...files('renderer'), ...files('tests')].filter(
      (f) => !f.startsWith('tests/fakes') && imports(f).some((i) => i === 'electron' || i.startsWith('electron/')),
    );
    assert.deepEqual(offenders, []);
  });

  it('the renderer imports no node: modules and no core code (it also runs as a plain web page)', () => {
    const offenders = files('renderer').flatMap((f) =>
      imports(f)
        .filter((i) => i.startsWith('node:') || i.includes('electron/'))
        .map((i) => `${f}: ${i}`),
    );
    assert.deepEqual(offenders, []);
  });

  it('shared/ imports nothing of the project outside shared/', () => {
    const offenders = files('shared').flatMap((f) =>
      imports(f)
        .filter((i) => i.startsWith('.') && !resolve(ROOT, f, '..', i).startsWith(join(ROOT, 'shared')))
        .map((i) => `${relative(ROOT, join(ROOT, f))}: ${i}`),
    );
    assert.deepEqual(offenders, []);
  });
  /** Imports from files under `from` that resolve into `into` (both paths relative to the root). */
  function crossings(from: string, into: string): string[] {
    return files(from).flatMap((f) =>
      imports(f)
        .filter((i) => i.startsWith('.') && resolve(ROOT, f, '..', i).startsWith(join(ROOT, into) + '/'))
        .map((i) => `${f}: ${i}`),
    );
  }

  it('the coordinator never imports the worker, and the worker never imports the coordinator', () => {
    assert.deepEqual(
      [...crossings('electron/core/coordinator', 'electron/core/worker'), ...crossings('electron/core/worker', 'electron/core/coordinator')],
      [],
    );
  });

  it('the runner, which both sides use, imports neither side', () => {
    assert.deepEqual([...crossings('electron/core/runner', 'electron/core/worker'), ...crossings('electron/core/runner', 'electron/core/coordinator')], []);
  });

  it('the client imports neither side: it talks to the coordinator over HTTP', () => {
    assert.deepEqual([...crossings('electron/core/client', 'electron/core/worker'), ...crossings('electron/core/client', 'electron/core/coordinator')], []);
  });

  it('no renderer feature imports another feature (shared code lives in components/ or lib/)', () => {
    const features = readdirSync(join(ROOT, 'renderer/features'));
    const offenders = features.flatMap((feature) =>
      features.filter((other) => other !== feature).flatMap((other) => crossings(`renderer/features/${feature}`, `renderer/features/${other}`)),
    );
    assert.deepEqual(offenders, []);
  });

  it('renderer/lib and renderer/components import no feature, and nothing but main.tsx imports the app shell (renderer/app)', () => {
    assert.deepEqual(
      [
        ...crossings('renderer/lib', 'renderer/features'),
        ...crossings('renderer/components', 'renderer/features'),
        ...crossings('renderer/lib', 'renderer/app'),
        ...crossings('renderer/components', 'renderer/app'),
        ...crossings('renderer/features', 'renderer/app'),
      ],
      [],
    );
  });

  it('finds a crossing when there is one (the check itself works)', () => {
    assert.ok(imports('electron/core/worker/job-run.ts').some((i) => i.includes('../runner/')));
    assert.notDeepEqual(crossings('electron/core/worker', 'electron/core/runner'), []);
  });
});
