/** koffi, loaded once (CommonJS, from an ES module) with the types both Win32 modules share. */
import { createRequire } from 'node:module';
import type * as koffiModule from 'koffi';

export type Koffi = typeof koffiModule;

let koffi: Koffi | undefined;

export function loadKoffi(): Koffi {
  if (!koffi) {
    const loaded = createRequire(import.meta.url)('koffi') as Koffi;
    loaded.pointer('HANDLE', loaded.opaque());
    koffi = loaded;
  }
  return koffi;
}
