// `node --import ./tests/fakes/register-electron.mjs app.js`: makes `import 'electron'` load the fake,
// so the real package (which would try to download its binary) is never loaded.
import { register } from 'node:module';

register('./electron-loader.mjs', import.meta.url);
