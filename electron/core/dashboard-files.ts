/** Where the built dashboard (dist/renderer) is, seen from the source tree or from the build. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/renderer if it was built (`npm run build`), else undefined. */
export function builtDashboard(): string | undefined {
  // From electron/core (source) the build is ../../dist/renderer; from dist/electron/core it is ../../renderer.
  for (const relative of ['../../dist/renderer/', '../../renderer/']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'assets'))) return dir;
  }
  return undefined;
}
