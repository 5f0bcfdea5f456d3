/**
 * Starts one command line as the job account: suspended, put into the job's Job Object, then resumed
 * (the gate), with its output through two named pipes the worker reads. A worker running as a service
 * (LocalSystem) uses CreateProcessAsUserW, which lets the process inherit only its three std handles;
 * an administrator lacks the privilege for that and uses CreateProcessWithTokenW. What the command
 * loop gets looks like a ChildProcess: pid, stdout, stderr, 'spawn', 'exit', 'close', 'error', kill().
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { constants as osConstants, setPriority } from 'node:os';
import { PassThrough } from 'node:stream';
import type { Handle } from './win32-api.ts';
import { CREATE, win32AccountApi, type ProcessInformation, type Win32Account } from './win32-account-api.ts';
import type { WindowsJobObject } from './job-object.ts';

const GENERIC_READ = 0x80000000;
const GENERIC_WRITE = 0x40000000;
const OPEN_EXISTING = 3;
const STARTF_USESTDHANDLES = 0x100;
const STARTF_USESHOWWINDOW = 0x1;
const PROC_THREAD_ATTRIBUTE_HANDLE_LIST = 0x20002;
const ERROR_PRIVILEGE_NOT_HELD = 1314;
const INFINITE = 0xffffffff;
const HANDLE_FLAG_INHERIT = 0x1;

export interface AccountSpawn {
  /** The job account's logon token (null: the worker's own, as CreateProcessAsUserW allows). */
  token: Handle | null;
  /** The whole command line, program first (quoted as CreateProcess expects). */
  commandLine: string;
  cwd: string;
  env: Record<string, string>;
  jobObject: WindowsJobObject;
  lowPriority: boolean;
}

/** The started process, shaped like the ChildProcess the command loop waits on. */
export class AccountProcess extends EventEmitter {
  pid: number | undefined;
  exitCode: number | null = null;
  readonly signalCode = null;
  readonly stdin = null;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  #kill: (() => void) | undefined;

  kill(): boolean {
    this.#kill?.();
    return true;
  }

  /** @internal */
  started(pid: number, kill: () => void): void {
    this.pid = pid;
    this.#kill = kill;
    this.emit('spawn');
  }
}

export function spawnAsUser(options: AccountSpawn): AccountProcess {
  const child = new AccountProcess();
  const api = win32AccountApi();
  if ('unavailable' in api) queueMicrotask(() => child.emit('error', new Error(api.unavailable)));
  else start(api, child, options).catch((error: Error) => child.emit('error', error));
  return child;
}

async function start(api: Win32Account, child: AccountProcess, options: AccountSpawn): Promise<void> {
  const [out, err] = await Promise.all([pipeServer(), pipeServer()]);
  // Not inheritable until the moment the job's process is made: a process the worker starts meanwhile must not get them.
  const own = { nLength: 24, lpSecurityDescriptor: null, bInheritHandle: 0 };
  const handles = [
    api.CreateFileW('NUL', GENERIC_READ, 3, own, OPEN_EXISTING, 0, null),
    ...[out, err].map((p) => api.CreateFileW(p.name, GENERIC_WRITE, 0, own, OPEN_EXISTING, 0, null)),
  ];
  if (handles.some((h) => isInvalid(api, h))) {
    for (const h of handles) if (!isInvalid(api, h)) api.CloseHandle(h);
    throw new Error(`Could not open the output pipes of the job's command (error ${api.GetLastError()}).`);
  }
  // Anyone may list named pipes and connect: the worker's own end proves itself with a nonce first.
  for (const [index, pipe] of [out, err].entries()) api.WriteFile(handles[index + 1]!, pipe.nonce, pipe.nonce.length, [0], null);
  const [outSocket, errSocket] = await Promise.all([out.connected, err.connected]);
  let open = 2;
  const closed = () => {
    if (--open === 0 && child.exitCode !== null) child.emit('close', child.exitCode, null);
  };
  for (const [socket, stream] of [
    [outSocket, child.stdout],
    [errSocket, child.stderr],
  ] as const) {
    socket.pipe(stream);
    socket.once('close', closed);
    stream.once('close', () => socket.destroy()); // the loop stopped reading: let go of the pipe
  }
  let information: ProcessInformation;
  try {
    for (const h of handles) api.SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    information = createSuspended(api, options, handles);
  } finally {
    for (const h of handles) api.CloseHandle(h); // the child has its own copies
  }
  const { hProcess, hThread, dwProcessId } = information as Required<ProcessInformation>;
  try {
    options.jobObject.add(dwProcessId);
    if (options.lowPriority) setPriority(dwProcessId, osConstants.priority.PRIORITY_BELOW_NORMAL);
  } catch (error) {
    api.TerminateProcess(hProcess, 1); // never run a job's command outside its Job Object
    api.CloseHandle(hThread);
    api.CloseHandle(hProcess);
    throw error;
  }
  child.started(dwProcessId, () => child.exitCode === null && api.TerminateProcess(hProcess, 1));
  api.ResumeThread(hThread);
  api.CloseHandle(hThread);
  api.WaitForSingleObject.async(hProcess, INFINITE, () => {
    const code = [0];
    api.GetExitCodeProcess(hProcess, code);
    api.CloseHandle(hProcess);
    child.exitCode = code[0]!;
    child.emit('exit', child.exitCode, null);
    if (open === 0) child.emit('close', child.exitCode, null);
  });
}

/**
 * Whether this worker can start a process as the account: a `cmd.exe` created suspended and ended
 * before it ran a single instruction. undefined when it can, else why not.
 */
export function cannotStartAs(token: Handle, commandPrompt: string): string | undefined {
  const api = win32AccountApi();
  if ('unavailable' in api) return api.unavailable;
  const nul = api.CreateFileW('NUL', GENERIC_READ | GENERIC_WRITE, 3, { nLength: 24, lpSecurityDescriptor: null, bInheritHandle: 1 }, OPEN_EXISTING, 0, null);
  if (isInvalid(api, nul)) return `could not open NUL (error ${api.GetLastError()})`;
  try {
    const options = { token, commandLine: `"${commandPrompt}" /d /c exit 0`, cwd: process.cwd(), env: { SystemRoot: process.env.SystemRoot ?? 'C:\\Windows' } };
    const { hProcess, hThread } = createSuspended(api, options, [nul, nul, nul]) as Required<ProcessInformation>;
    api.TerminateProcess(hProcess, 0);
    api.CloseHandle(hThread);
    api.CloseHandle(hProcess);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    api.CloseHandle(nul);
  }
}

/** CreateProcessAsUserW (a service: only the std handles inherited), else CreateProcessWithTokenW (an administrator). */
function createSuspended(
  api: Win32Account,
  options: Pick<AccountSpawn, 'token' | 'commandLine' | 'cwd' | 'env'>,
  [stdin, stdout, stderr]: Handle[],
): ProcessInformation {
  const commandLine = Buffer.from(`${options.commandLine}\0`, 'utf16le');
  const environment = environmentBlock(options.env);
  const startup = {
    cb: 0,
    lpReserved: null,
    lpDesktop: null,
    lpTitle: null,
    dwX: 0,
    dwY: 0,
    dwXSize: 0,
    dwYSize: 0,
    dwXCountChars: 0,
    dwYCountChars: 0,
    dwFillAttribute: 0,
    dwFlags: STARTF_USESTDHANDLES | STARTF_USESHOWWINDOW,
    wShowWindow: 0, // SW_HIDE
    cbReserved2: 0,
    lpReserved2: null,
    hStdInput: stdin!,
    hStdOutput: stdout!,
    hStdError: stderr!,
  };
  const flags = CREATE.suspended | CREATE.unicodeEnvironment | CREATE.noWindow;
  const list = handleList(api, [stdin!, stdout!, stderr!]);
  const information: ProcessInformation = {};
  try {
    const extended = { StartupInfo: { ...startup, cb: 112 }, lpAttributeList: list.attributes };
    if (
      api.CreateProcessAsUserW(
        options.token,
        null,
        commandLine,
        null,
        null,
        true,
        flags | CREATE.extendedStartupInfo,
        environment,
        options.cwd,
        extended,
        information,
      )
    )
      return information;
    const error = api.GetLastError();
    if (error !== ERROR_PRIVILEGE_NOT_HELD) throw new Error(`Could not start the command as the job account: CreateProcessAsUserW failed (error ${error}).`);
  } finally {
    api.DeleteProcThreadAttributeList(list.attributes);
  }
  if (options.token && api.CreateProcessWithTokenW(options.token, 0, null, commandLine, flags, environment, options.cwd, { ...startup, cb: 104 }, information))
    return information;
  throw new Error(`Could not start the command as the job account: CreateProcessWithTokenW failed (error ${api.GetLastError()}).`);
}

/** A PROC_THREAD_ATTRIBUTE_HANDLE_LIST naming the only handles the process may inherit. */
function handleList(api: Win32Account, handles: Handle[]): { attributes: Buffer; values: Buffer } {
  const size = [0];
  api.InitializeProcThreadAttributeList(null, 1, 0, size);
  const attributes = Buffer.alloc(size[0]!);
  if (!api.InitializeProcThreadAttributeList(attributes, 1, 0, size)) throw new Error(`InitializeProcThreadAttributeList failed (error ${api.GetLastError()})`);
  // Each handle once: the same handle twice in the list makes CreateProcess fail.
  const addresses = [...new Set(handles.map((h) => BigInt(api.koffi.address(h))))];
  const values = Buffer.alloc(8 * addresses.length);
  addresses.forEach((address, i) => values.writeBigUInt64LE(address, 8 * i));
  if (!api.UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, values, values.length, null, null)) {
    throw new Error(`UpdateProcThreadAttribute failed (error ${api.GetLastError()})`);
  }
  return { attributes, values };
}

/** name=value\0 ... \0\0 in UTF-16, sorted without regard to case as Windows keeps it. */
export function environmentBlock(env: Record<string, string>): Buffer {
  const entries = Object.entries(env).sort(([a], [b]) => (a.toUpperCase() < b.toUpperCase() ? -1 : a.toUpperCase() > b.toUpperCase() ? 1 : 0));
  return Buffer.from(`${entries.map(([k, v]) => `${k}=${v}\0`).join('')}\0`, 'utf16le');
}

function isInvalid(api: Win32Account, handle: Handle | null): boolean {
  if (!handle) return true;
  const address = BigInt(api.koffi.address(handle));
  return address === 0n || address === 0xffffffffffffffffn;
}

/**
 * A named pipe server for one client, the worker's own end: `connected` resolves with the connection
 * that starts with the nonce (the rest of its bytes are the job's); any other connection is dropped.
 */
function pipeServer(): Promise<{ name: string; nonce: Buffer; connected: Promise<Socket> }> {
  const name = `\\\\.\\pipe\\cmdx-${process.pid}-${randomBytes(8).toString('hex')}`;
  const nonce = randomBytes(16);
  const server = createServer();
  const connected = new Promise<Socket>((resolve) =>
    server.on('connection', (socket) => {
      // A stranger that connects and says nothing would hold a pipe instance: it gets two seconds.
      const stranger = setTimeout(() => socket.destroy(), 2000);
      socket.once('readable', function check() {
        const head = socket.read(nonce.length) as Buffer | null;
        if (head === null) return socket.once('readable', check);
        clearTimeout(stranger);
        if (!head.equals(nonce)) return socket.destroy();
        server.close();
        resolve(socket);
      });
    }),
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(name, () => resolve({ name, nonce, connected }));
  });
}
