/** Main-process logic with small fakes of the Electron pieces it uses. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { desktopEntry, DESKTOP_FILE, setOpenAtLogin } from '../../electron/main/autostart.ts';
import { COORDINATOR_OPTIONS } from '../../electron/core/options/coordinator-options.ts';
import { parseLaunchFlags } from '../../electron/main/flags.ts';
import { IpcManager, trustedPage } from '../../electron/main/ipc.ts';
import { SettingsManager, type SecretBox } from '../../electron/main/settings.ts';
import { tempDir } from '../helpers/coordinator.ts';

function mapStore() {
  const map = new Map<string, unknown>();
  return { map, get: (k: string) => structuredClone(map.get(k)), set: (k: string, v: unknown) => void map.set(k, structuredClone(v)) };
}

const keychain: SecretBox = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptString: (s) => Buffer.from([...Buffer.from(s)].reverse()),
  decryptString: (b) => Buffer.from([...b].reverse()).toString(),
};

describe('launch flags', () => {
  it('reads the unattended-install flags and ignores Chromium switches', () => {
    assert.deepEqual(
      parseLaunchFlags(['app.js', '--no-sandbox', '--mode', 'worker', '--server', 'http://10.0.0.1:3000', '--join-token', 'cmdx_j_x', '--hidden']),
      {
        mode: 'worker',
        server: 'http://10.0.0.1:3000',
        fingerprint: undefined,
        joinToken: 'cmdx_j_x',
        port: undefined,
        dataDir: undefined,
        hidden: true,
        openAtLogin: undefined,
        noAnnounce: undefined,
      },
    );
    const fp = 'ab'.repeat(32);
    const joined = parseLaunchFlags(['--mode', 'worker', '--join', `cmdx://10.0.0.1:3000/?fp=${fp}&token=cmdx_j_y`]);
    assert.deepEqual([joined.server, joined.fingerprint, joined.joinToken], ['https://10.0.0.1:3000', fp, 'cmdx_j_y']);
    assert.throws(() => parseLaunchFlags(['--join', 'http://not-a-join-line']), /not a join line/);
    assert.equal(parseLaunchFlags(['--mode', 'coordinator', '--no-announce']).noAnnounce, true);
    assert.throws(() => parseLaunchFlags(['--mode', 'boss']), /--mode must be "coordinator" or "worker"/);
    assert.throws(() => parseLaunchFlags(['--mode', 'coordinator', '--port', 'x']), /--port/);
  });
});

describe('settings', () => {
  it("takes the default port and the --port limits from `cmdx coordinator`'s option table", () => {
    assert.equal(new SettingsManager(mapStore(), keychain, '/d').load().coordinator.port, COORDINATOR_OPTIONS.port.default);
    assert.equal(parseLaunchFlags(['--port', '0']).port, 0);
    assert.throws(() => parseLaunchFlags(['--port', '3000.5']), /--port must be a whole number from 0 to 65535 \(got "3000.5"\)\./);
  });

  it('starts with no mode and defaults, and remembers the choice', () => {
    const store = mapStore();
    const settings = new SettingsManager(store, keychain, '/data/coordinator');
    assert.deepEqual(settings.load(), {
      mode: null,
      coordinator: { port: 3000, dataDir: '/data/coordinator', alsoRunWorker: false, announce: true },
      worker: { server: '', fingerprint: '', joinToken: '', tags: [] },
      openAtLogin: false,
    });
    settings.save({ mode: 'worker', worker: { server: 'http://pc1:3000', joinToken: 'cmdx_j_secret' } });
    const again = new SettingsManager(store, keychain, '/data/coordinator').load();
    assert.equal(again.mode, 'worker');
    assert.deepEqual(again.worker, { server: 'http://pc1:3000', fingerprint: '', joinToken: 'cmdx_j_secret', tags: [] });
  });

  it("keeps the worker's tags as the coordinator takes them, and refuses one that cannot be a tag", () => {
    const store = mapStore();
    const settings = new SettingsManager(store, keychain, '/d');
    settings.save({ mode: 'worker', worker: { server: 'http://pc1:3000', tags: ['room-b', 'gpu', 'room-b'] } });
    assert.deepEqual(new SettingsManager(store, keychain, '/d').load().worker.tags, ['room-b', 'gpu']);
    assert.throws(() => settings.save({ worker: { tags: ['room b'] } }), /"room b" is not a tag/);
    assert.deepEqual(settings.load().worker.tags, ['room-b', 'gpu'], 'a refused save changes nothing');
  });

  it('encrypts the join token when the OS has a real keychain, and says so honestly when not', () => {
    const store = mapStore();
    new SettingsManager(store, keychain, '/d').save({ worker: { server: 's', joinToken: 'cmdx_j_secret' } });
    assert.doesNotMatch(JSON.stringify(store.map.get('worker')), /cmdx_j_secret/);
    const basic = mapStore();
    const noKeyring = new SettingsManager(basic, { ...keychain, getSelectedStorageBackend: () => 'basic_text' }, '/d');
    assert.equal(noKeyring.canEncrypt, false);
    noKeyring.save({ worker: { server: 's', joinToken: 'cmdx_j_secret' } });
    assert.deepEqual(basic.map.get('worker'), { server: 's', fingerprint: '', joinTokenSecret: { plain: 'cmdx_j_secret' }, tags: [] });
    assert.equal(noKeyring.load().worker.joinToken, 'cmdx_j_secret');
  });
});

describe('IPC', () => {
  function fakeIpcMain() {
    const handlers = new Map<string, (event: any, arg: any) => Promise<any>>();
    return { handlers, handle: (c: string, h: any) => void handlers.set(c, h), removeHandler: (c: string) => void handlers.delete(c) };
  }
  const trusted = trustedPage('/app/dist/renderer', () => 'http://127.0.0.1:3000');

  it('answers our pages and refuses others', async () => {
    const ipcMain = fakeIpcMain();
    const ipc = new IpcManager(ipcMain, trusted);
    ipc.handle('worker:pause', () => undefined);
    ipc.handle('app:get-settings', () => ({ mode: null }) as any);
    const call = (url: string) => ipcMain.handlers.get('app:get-settings')!({ senderFrame: { url } }, undefined);
    assert.deepEqual(await call('file:///app/dist/renderer/index.html#/worker'), { mode: null });
    assert.deepEqual(await call('http://127.0.0.1:3000/#/'), { mode: null });
    await assert.rejects(call('https://evil.example/'), /untrusted page/);
    await assert.rejects(call('file:///tmp/other.html'), /untrusted page/);
    await assert.rejects(call('http://127.0.0.1:3001/'), /untrusted page/);
    ipc.dispose();
    assert.equal(ipcMain.handlers.size, 0);
  });

  it('allows only registered channels, each with one handler', () => {
    const ipc = new IpcManager(fakeIpcMain(), trusted);
    assert.throws(() => ipc.handle('shell:exec' as any, () => undefined), /not in the IPC registry/);
    ipc.handle('worker:resume', () => undefined);
    assert.throws(() => ipc.handle('worker:resume', () => undefined), /already has a handler/);
  });
});

describe('start at login', () => {
  it('writes and removes a .desktop file on Linux', () => {
    const configHome = tempDir();
    const deps = {
      platform: 'linux' as NodeJS.Platform,
      setLoginItemSettings: () => assert.fail('not used on Linux'),
      command: ['/opt/CMD Executor/cmd-executor'],
      configHome,
    };
    setOpenAtLogin(true, deps);
    const file = join(configHome, 'autostart', DESKTOP_FILE);
    assert.match(readFileSync(file, 'utf8'), /^Exec="\/opt\/CMD Executor\/cmd-executor" --hidden$/m);
    setOpenAtLogin(false, deps);
    assert.equal(existsSync(file), false);
  });

  it('uses login items on Windows and macOS', () => {
    const seen: unknown[] = [];
    setOpenAtLogin(true, { platform: 'win32', setLoginItemSettings: (s) => seen.push(s), command: ['x'] });
    assert.deepEqual(seen, [{ openAtLogin: true, openAsHidden: true, args: ['--hidden'] }]);
    assert.match(desktopEntry(['a']), /\[Desktop Entry\]/);
  });
});
