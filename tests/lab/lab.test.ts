/** The lab harness itself: a real LAN in namespaces (TCP, mDNS multicast, capture, cleanup) and the TLS MITM proxy on loopback. */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { createTestCertificate, normalizeFingerprint } from './certificate.ts';
import { createLab, sweepStaleLabs } from './lab.ts';
import { startMitmProxy } from './tls-proxy.ts';

const NODE = process.execPath;

function namespaces(): string {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
}

/** Running; a zombie counts as dead (it only waits for its reparented parent to reap it). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Resolves with the first stdout line of `child` matching `pattern`; rejects after `timeoutMs` or when it exits. */
function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const done = (error: Error | null, line = '') => {
      clearTimeout(timer);
      lines.close();
      if (error) reject(error);
      else resolve(line);
    };
    const timer = setTimeout(() => done(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stderr: ${stderr.slice(-1000)}`)), timeoutMs);
    lines.on('line', (line) => {
      if (pattern.test(line)) done(null, line);
    });
    child.once('exit', (code, signal) =>
      setTimeout(() => done(new Error(`process exited (${signal ?? code}) before ${pattern}; stderr: ${stderr.slice(-1000)}`)), 100),
    );
  });
}

const HTTP_ECHO = `
const http = require('node:http');
http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => res.end(JSON.stringify({ from: req.socket.remoteAddress, body })));
}).listen(8080, '0.0.0.0', () => console.log('listening'));
`;

const MDNS_RECEIVER = `
const dgram = require('node:dgram');
const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
socket.on('message', (msg, rinfo) => { console.log(JSON.stringify({ msg: msg.toString(), from: rinfo.address })); process.exit(0); });
socket.bind(5353, '0.0.0.0', () => { socket.addMembership('224.0.0.251'); console.log('ready'); });
setTimeout(() => process.exit(3), 20000);
`;

// Like an mDNS library: no interface chosen, so the lab's multicast route must pick it. A bounded burst.
const MDNS_SENDER = `
const dgram = require('node:dgram');
const socket = dgram.createSocket('udp4');
let sent = 0;
socket.bind(0, () => {
  const timer = setInterval(() => {
    socket.send(process.argv[1], 5353, '224.0.0.251');
    if (++sent >= 10) { clearInterval(timer); setTimeout(() => socket.close(), 100); }
  }, 100);
});
`;

describe('lab: a LAN of network namespaces', () => {
  it('connects two hosts over TCP, carries mDNS multicast, captures clear text on the bridge, and leaves nothing after destroy()', async () => {
    const lab = await createLab({ hosts: ['a', 'b'] });
    let server: ChildProcess | undefined;
    try {
      const { a, b } = lab.hosts;
      assert.match(a.ip, /^10\.\d+\.\d+\.1$/);
      assert.equal(b.ip, a.ip.replace(/\.1$/, '.2'));
      for (const host of [a, b]) assert.ok(host.iface.length <= 15, `interface name ${host.iface} is too long`);
      assert.ok(namespaces().includes(a.netns) && namespaces().includes(lab.switchNetns));
      // Nothing of the lab in the root namespace: it cannot touch the real network.
      assert.doesNotMatch(spawnSync('ip', ['-o', 'link'], { encoding: 'utf8' }).stdout, new RegExp(lab.id));
      assert.doesNotMatch(spawnSync('ip', ['-o', 'addr'], { encoding: 'utf8' }).stdout, new RegExp(lab.subnet.replace(/\.0\/24$/, '.')));

      server = lab.spawn('b', NODE, ['-e', HTTP_ECHO]);
      await waitForLine(server, /^listening$/);

      const capture = await lab.capture();
      const marker = `lab-marker-${randomBytes(8).toString('hex')}`;
      const fetchScript = `fetch(process.argv[1], { method: 'POST', body: process.argv[2], signal: AbortSignal.timeout(10000) }).then((r) => r.text()).then(console.log)`;
      const answer = await lab.exec('a', NODE, ['-e', fetchScript, `http://${b.ip}:8080/`, marker]);
      const pcap = await capture.stop();
      const echoed = JSON.parse(answer.stdout);
      assert.equal(echoed.body, marker);
      assert.equal(echoed.from, a.ip, 'the request came from host A over the LAN');
      assert.equal(pcap.readUInt32LE(0), 0xa1b2c3d4, 'capture is a pcap file');
      assert.ok(pcap.includes(marker), `the capture (${pcap.length} bytes) holds the marker sent in clear`);

      const mdns = `mdns-${randomBytes(6).toString('hex')}`;
      const receiver = lab.spawn('b', NODE, ['-e', MDNS_RECEIVER]);
      await waitForLine(receiver, /^ready$/);
      const [received] = await Promise.all([waitForLine(receiver, /"msg"/), lab.exec('a', NODE, ['-e', MDNS_SENDER, mdns])]);
      assert.deepEqual(JSON.parse(received), { msg: mdns, from: a.ip });
    } finally {
      await lab.destroy();
    }
    assert.ok(!namespaces().includes(lab.id), `namespaces left: ${namespaces()}`);
    assert.ok(server?.pid !== undefined && !alive(server.pid), 'the server started in the lab is dead');
    await lab.destroy(); // twice is harmless
  });

  it('sweepStaleLabs() removes the namespace and processes of a lab whose test process died', async () => {
    const gone = spawnSync(NODE, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const netns = `cmdxlab-${gone.stdout.trim()}-stale-switch`;
    assert.equal(spawnSync('ip', ['netns', 'add', netns]).status, 0);
    const sleeper = spawn('ip', ['netns', 'exec', netns, 'sleep', '60'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(sweepStaleLabs().includes(netns));
      assert.ok(!namespaces().includes(netns));
      await new Promise((r) => setTimeout(r, 100));
      assert.notEqual(sleeper.signalCode ?? sleeper.exitCode, null, 'the process inside was killed');
    } finally {
      sleeper.kill('SIGKILL');
      spawnSync('ip', ['netns', 'del', netns]);
    }
  });

  it('a test process ended by SIGTERM takes its labs and their processes with it', async () => {
    const labModule = fileURLToPath(new URL('./lab.ts', import.meta.url));
    const script = `
      const { createLab } = await import(${JSON.stringify(labModule)});
      const lab = await createLab({ hosts: ['x'] });
      const child = lab.spawn('x', 'sleep', ['60']);
      console.log(JSON.stringify({ id: lab.id, pid: child.pid }));
      setInterval(() => {}, 1000);
    `;
    const owner = spawn(NODE, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const { id, pid } = JSON.parse(await waitForLine(owner, /"id"/, 15_000));
      assert.ok(namespaces().includes(id) && alive(pid));
      const exited = new Promise((resolve) => owner.once('exit', (code, signal) => resolve(signal ?? code)));
      owner.kill('SIGTERM');
      assert.equal(await exited, 'SIGTERM', 'the signal still ends the process');
      assert.ok(!namespaces().includes(id), `namespaces left: ${namespaces()}`);
      assert.ok(!alive(pid), 'the process it started in the lab is dead');
    } finally {
      owner.kill('SIGKILL');
    }
  });
});

describe('lab: TLS man-in-the-middle proxy', () => {
  it('shows clients its own certificate, relays both ways and records what the client sent', async () => {
    const real = await createTestCertificate('real target');
    const target = createServer({ cert: real.certPem, key: real.keyPem }, (socket) => socket.on('data', (d: Buffer) => socket.write(`echo:${d.toString()}`)));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const proxy = await startMitmProxy({ listenHost: '127.0.0.1', targetHost: '127.0.0.1', targetPort: (target.address() as AddressInfo).port });
    try {
      assert.notEqual(proxy.certificate.fingerprint, real.fingerprint);
      const secret = `token-${randomBytes(8).toString('hex')}`;
      const client: TLSSocket = connect({ host: proxy.host, port: proxy.port, rejectUnauthorized: false });
      await new Promise<void>((resolve, reject) => client.once('secureConnect', resolve).once('error', reject));
      assert.equal(normalizeFingerprint(client.getPeerCertificate().fingerprint256), proxy.certificate.fingerprint);
      const reply = new Promise<string>((resolve) => client.once('data', (d: Buffer) => resolve(d.toString())));
      client.write(secret);
      assert.equal(await reply, `echo:${secret}`);
      client.destroy();
      assert.equal(proxy.received().toString(), secret);

      // A client pinning the real certificate checks it before sending anything, and finds the proxy's.
      const pinned = connect({ host: proxy.host, port: proxy.port, rejectUnauthorized: false });
      await new Promise<void>((resolve, reject) => pinned.once('secureConnect', resolve).once('error', reject));
      const pinMatches = normalizeFingerprint(pinned.getPeerCertificate().fingerprint256) === real.fingerprint;
      if (pinMatches) pinned.write('second-secret');
      pinned.destroy();
      assert.equal(pinMatches, false);
      assert.equal(proxy.connectionCount(), 2);
      assert.equal(proxy.received().toString(), secret, 'nothing more went through the proxy');
    } finally {
      await proxy.close();
      await new Promise((resolve) => target.close(resolve));
    }
  });
});
