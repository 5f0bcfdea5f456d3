/**
 * The app's remembered choices (mode, coordinator and worker settings) in electron-store. The join
 * token is encrypted with the OS keychain through safeStorage when the OS offers a real backend.
 */
import { parseTagList } from '../../shared/api.ts';
import type { AppMode, AppSettings, CoordinatorSettings, WorkerSettings } from '../../shared/ipc.ts';
import { COORDINATOR_OPTIONS } from '../core/options/coordinator-options.ts';

/** The part of electron-store we use (so tests can pass a Map-backed fake). */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** The part of Electron's safeStorage we use. */
export interface SecretBox {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

type StoredSecret = { encrypted: string } | { plain: string };

export class SettingsManager {
  readonly #store: KeyValueStore;
  readonly #secrets: SecretBox;
  readonly #defaultDataDir: string;

  constructor(store: KeyValueStore, secrets: SecretBox, defaultDataDir: string) {
    this.#store = store;
    this.#secrets = secrets;
    this.#defaultDataDir = defaultDataDir;
  }

  /** Linux without a keyring reports encryption "available" with a hard-coded key ("basic_text"): not real. */
  get canEncrypt(): boolean {
    if (!this.#secrets.isEncryptionAvailable()) return false;
    return this.#secrets.getSelectedStorageBackend?.() !== 'basic_text';
  }

  load(): AppSettings {
    const mode = this.#store.get('mode');
    const coordinator = (this.#store.get('coordinator') ?? {}) as Partial<CoordinatorSettings>;
    const worker = (this.#store.get('worker') ?? {}) as Partial<WorkerSettings> & { joinTokenSecret?: StoredSecret };
    return {
      mode: mode === 'coordinator' || mode === 'worker' ? mode : null,
      coordinator: {
        port: typeof coordinator.port === 'number' ? coordinator.port : COORDINATOR_OPTIONS.port.default,
        dataDir: coordinator.dataDir || this.#defaultDataDir,
        alsoRunWorker: coordinator.alsoRunWorker === true,
        announce: coordinator.announce !== false,
      },
      worker: {
        server: worker.server ?? '',
        fingerprint: worker.fingerprint ?? '',
        joinToken: this.reveal(worker.joinTokenSecret),
        tags: Array.isArray(worker.tags) ? worker.tags.filter((t): t is string => typeof t === 'string') : [],
      },
      openAtLogin: this.#store.get('openAtLogin') === true,
    };
  }

  save(patch: { mode?: AppMode | null; coordinator?: Partial<CoordinatorSettings>; worker?: Partial<WorkerSettings>; openAtLogin?: boolean }): AppSettings {
    const current = this.load();
    if (patch.mode !== undefined) this.#store.set('mode', patch.mode);
    if (patch.coordinator) this.#store.set('coordinator', { ...current.coordinator, ...patch.coordinator });
    if (patch.worker) {
      const next = { ...current.worker, ...patch.worker };
      // The page checked the tags already; checked again here, so a bad one cannot stop the worker from registering.
      const tags = parseTagList(next.tags.join(','));
      this.#store.set('worker', { server: next.server, fingerprint: next.fingerprint, joinTokenSecret: this.hide(next.joinToken), tags });
    }
    if (patch.openAtLogin !== undefined) this.#store.set('openAtLogin', patch.openAtLogin);
    return this.load();
  }

  private hide(secret: string): StoredSecret {
    return this.canEncrypt ? { encrypted: this.#secrets.encryptString(secret).toString('base64') } : { plain: secret };
  }

  private reveal(stored: StoredSecret | undefined): string {
    if (!stored) return '';
    if ('plain' in stored) return stored.plain;
    try {
      return this.#secrets.decryptString(Buffer.from(stored.encrypted, 'base64'));
    } catch {
      return ''; // the keychain changed: ask again rather than crash
    }
  }
}
