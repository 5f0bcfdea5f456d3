// `npm start` / `npm run dist` on a machine with internet: fetch the Electron binary on first run.
// (npm install never downloads it, so installing and testing work offline and in CI.)
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const dir = dirname(require.resolve('electron/package.json'));
if (!existsSync(join(dir, 'path.txt'))) {
  console.log('Downloading the Electron binary (first run only)…');
  const result = spawnSync(process.execPath, [join(dir, 'install.js')], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('Could not download Electron. `npm start` needs internet access once; the headless CLI (npx cmdx) does not.');
    process.exit(result.status ?? 1);
  }
}
