/**
 * Wake-on-LAN on a real LAN of network namespaces (never the machine's own network): two LANs, each
 * its own bridge. LAN A holds the coordinator, PC A and a relay PC that also has an interface on LAN B;
 * LAN B holds PC B. Real worker processes report their NICs. PC A's magic packet comes from the
 * coordinator; PC B's network has no coordinator interface, so the relay sends it there. Each packet
 * is captured with tcpdump in the sleeping PC's own namespace and read byte by byte (6 x FF, then its
 * MAC 16 times, UDP port 9, to its network's broadcast address). Every namespace and interface goes
 * with the labs, also when a test fails.
 */
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { CLI, waitFor } from '../helpers/processes.ts';
import { magicPacket } from '../../shared/wake.ts';
import { captureFrom, tcpdumpArgs, type Capture } from './capture.ts';
import { createLab, ensureTcpdump, type Lab } from './lab.ts';
import { ip, setSysctls } from './netns.ts';
import { udpDatagrams } from './pcap.ts';

const PORT = 3000;
const NODE = process.execPath;

/** Every JSON log line of a process, and a way to wait for one (bounded). */
function linesOf(child: ChildProcess): { lines: any[]; wait: (test: (line: any) => boolean, timeoutMs?: number) => Promise<any> } {
  const lines: any[] = [];
  const waiters = new Set<{ test: (line: any) => boolean; resolve: (line: any) => void }>();
  child.stderr?.resume();
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: any;
    try {
      line = JSON.parse(text);
    } catch {
      line = { text };
    }
    lines.push(line);
    for (const w of waiters)
      if (w.test(line)) {
        waiters.delete(w);
        w.resolve(line);
      }
  });
  return {
    lines,
    wait: (test, timeoutMs = 20_000) =>
      lines.find(test) ??
      new Promise((resolve, reject) => {
        const waiter = { test, resolve };
        waiters.add(waiter);
        setTimeout(
          () => waiters.delete(waiter) && reject(new Error(`no such line within ${timeoutMs} ms; last: ${JSON.stringify(lines.slice(-5))}`)),
          timeoutMs,
        ).unref();
      }),
  };
}

/** A NIC that wakes its PC: listens on UDP 9 (as the firmware of a sleeping PC would) and says when its own magic packet came. */
const NIC = `
const dgram = require('node:dgram');
const mac = Buffer.from(process.argv[1].split(':').map((h) => parseInt(h, 16)));
const expected = Buffer.concat([Buffer.alloc(6, 0xff), ...Array.from({ length: 16 }, () => mac)]);
const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
socket.on('message', (msg, rinfo) => {
  if (!msg.equals(expected)) return;
  console.log(JSON.stringify({ woken: true, from: rinfo.address }));
  process.exit(0);
});
socket.bind(9, '0.0.0.0', () => console.log(JSON.stringify({ listening: true })));
setTimeout(() => process.exit(3), 60000);
`;

describe('wake-on-LAN on namespaced LANs', () => {
  let lanA: Lab<'coord' | 'pca' | 'relay'>;
  let lanB: Lab<'pcb'>;
  const dir = mkdtempSync(join(tmpdir(), 'cmdx-wake-'));
  let adminToken = '';
  let joinToken = '';
  let relayB = '';
  const workers: Partial<Record<'pca' | 'pcb' | 'relay', { child: ChildProcess; logs: ReturnType<typeof linesOf> }>> = {};
  const captures: Capture[] = [];

  /** The admin's request, with curl on the coordinator PC's loopback. */
  async function admin(method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<any> {
    const args = ['-sS', '--max-time', String(Math.ceil(timeoutMs / 1000)), '-X', method, '-H', `Authorization: Bearer ${adminToken}`];
    if (body !== undefined) args.push('-H', 'Content-Type: application/json', '--data', JSON.stringify(body));
    const res = await lanA.exec('coord', 'curl', [...args, `http://127.0.0.1:${PORT}${path}`], { timeoutMs: timeoutMs + 5000 });
    return JSON.parse(res.stdout);
  }
  const worker = async (id: string) => ((await admin('GET', '/api/workers/register')).workers as any[]).find((w) => w.workerId === id);

  function startWorker(name: 'pca' | 'pcb' | 'relay', lab: Lab<any>): void {
    const child = lab.spawn(
      name,
      NODE,
      [CLI, 'worker', '--server', `http://${lanA.hosts.coord.ip}:${PORT}`, '--id', `wk-${name}`, '--work-dir', join(dir, name), '--heartbeat-interval', '0.5'],
      { env: { CMDX_JOIN_TOKEN: joinToken } },
    );
    workers[name] = { child, logs: linesOf(child) };
  }

  async function stopWorker(name: 'pca' | 'pcb' | 'relay'): Promise<void> {
    const child = workers[name]!.child;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM'); // `ip netns exec` became the worker: the signal reaches it, and it says goodbye
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    await waitFor(`wk-${name} offline`, async () => ((await worker(`wk-${name}`))?.status === 'offline' ? true : undefined), 15_000, 200);
  }

  async function captureIn(lab: Lab<any>, host: string): Promise<Capture> {
    const capture = await captureFrom(lab.spawn(host, 'tcpdump', [...tcpdumpArgs(lab.hosts[host]!.iface), 'udp', 'port', '9']), `${host}'s NIC`);
    captures.push(capture);
    return capture;
  }

  /** The NIC's real MAC, as the kernel of its namespace has it. */
  async function macOf(lab: Lab<any>, host: string): Promise<string> {
    const { netns, iface } = lab.hosts[host]!;
    const link = await ip(['-n', netns, '-o', 'link', 'show', 'dev', iface]);
    return /link\/ether ([0-9a-f:]{17})/.exec(link)![1]!;
  }

  before(async () => {
    ensureTcpdump();
    lanA = await createLab({ hosts: ['coord', 'pca', 'relay'] });
    lanB = await createLab({ hosts: ['pcb'] });
    assert.notEqual(lanA.subnet, lanB.subnet, 'two LANs');
    // The relay PC gets a second NIC, on LAN B's bridge, and routes between the two LANs (so PC B reaches
    // the coordinator); a router forwards no directed broadcast, so only the relay can wake PC B.
    const port = `cx${lanB.id}rp`;
    const nicB = `cx${lanB.id}rn`;
    relayB = lanB.subnet.replace(/\.0\/24$/, '.200');
    await ip(['-n', lanB.switchNetns, 'link', 'add', port, 'type', 'veth', 'peer', 'name', nicB, 'netns', lanA.hosts.relay.netns]);
    await ip(['-n', lanB.switchNetns, 'link', 'set', port, 'master', lanB.bridge]);
    await ip(['-n', lanB.switchNetns, 'link', 'set', port, 'up']);
    await setSysctls(lanA.hosts.relay.netns, { [`net.ipv6.conf.${nicB}.disable_ipv6`]: 1, 'net.ipv4.ip_forward': 1 });
    await ip(['-n', lanA.hosts.relay.netns, 'addr', 'add', `${relayB}/24`, 'dev', nicB]);
    await ip(['-n', lanA.hosts.relay.netns, 'link', 'set', nicB, 'up']);
    await ip(['-n', lanB.hosts.pcb.netns, 'route', 'add', lanA.subnet, 'via', relayB]);
    await ip(['-n', lanA.hosts.coord.netns, 'route', 'add', lanB.subnet, 'via', lanA.hosts.relay.ip]);

    const coordinator = lanA.spawn('coord', NODE, [
      CLI,
      'coordinator',
      '--data-dir',
      join(dir, 'coord'),
      '--port',
      String(PORT),
      '--no-tls',
      '--offline-after',
      '30',
    ]);
    await linesOf(coordinator).wait((l) => l.msg === 'coordinator listening');
    ({ adminToken, joinToken } = JSON.parse(readFileSync(join(dir, 'coord', 'tokens.json'), 'utf8')));
    startWorker('relay', lanA);
    startWorker('pca', lanA);
    startWorker('pcb', lanB);
    for (const id of ['wk-relay', 'wk-pca', 'wk-pcb'])
      await waitFor(`${id} registered`, async () => ((await worker(id))?.status === 'idle' ? true : undefined), 30_000, 200);
  });

  after(async () => {
    for (const capture of captures) await capture.stop().catch(() => {});
    await lanB?.destroy().catch(() => {});
    await lanA?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('workers report their real NICs: MAC, address and broadcast address, the relay one on each LAN', async () => {
    const broadcastA = lanA.subnet.replace(/\.0\/24$/, '.255');
    const broadcastB = lanB.subnet.replace(/\.0\/24$/, '.255');
    assert.deepEqual((await worker('wk-pca')).interfaces, [{ mac: await macOf(lanA, 'pca'), address: lanA.hosts.pca.ip, broadcast: broadcastA }]);
    assert.deepEqual((await worker('wk-pcb')).interfaces, [{ mac: await macOf(lanB, 'pcb'), address: lanB.hosts.pcb.ip, broadcast: broadcastB }]);
    assert.deepEqual(((await worker('wk-relay')).interfaces as any[]).map((i) => i.broadcast).sort(), [broadcastA, broadcastB].sort());
  });

  it('the coordinator wakes a PC on its own LAN: its magic packet, captured at the PC, and the answer waits until the PC is back', async () => {
    const mac = await macOf(lanA, 'pca');
    await stopWorker('pca');
    const capture = await captureIn(lanA, 'pca');
    const nic = lanA.spawn('pca', NODE, ['-e', NIC, mac]);
    const nicLines = linesOf(nic);
    await nicLines.wait((l) => l.listening);
    const asked = admin('POST', '/api/workers/wake', { workerIds: ['wk-pca'], waitSeconds: 60 }, 70_000);
    const woken = await nicLines.wait((l) => l.woken, 20_000);
    assert.equal(woken.from, lanA.hosts.coord.ip);
    startWorker('pca', lanA); // the PC boots, its worker starts
    const answer = await asked;
    assert.deepEqual(answer, { success: true, sent: 1, relayed: 0, awake: ['wk-pca'], stillOffline: [], noMac: [], unreachable: [] });

    const packets = udpDatagrams(await capture.stop()).filter((d) => d.dstPort === 9);
    assert.ok(packets.length >= 1, 'a UDP datagram to port 9 reached the sleeping PC');
    const [packet] = packets;
    assert.equal(packet!.dstMac, 'ff:ff:ff:ff:ff:ff', 'an Ethernet broadcast');
    assert.equal(packet!.dstIp, lanA.subnet.replace(/\.0\/24$/, '.255'), "to the LAN's broadcast address");
    assert.equal(packet!.srcIp, lanA.hosts.coord.ip, 'from the coordinator');
    assert.equal(packet!.payload.length, 102);
    assert.deepEqual(packet!.payload.subarray(0, 6), Buffer.alloc(6, 0xff));
    for (let i = 0; i < 16; i++) assert.equal(packet!.payload.subarray(6 + i * 6, 12 + i * 6).toString('hex'), mac.replaceAll(':', ''), `MAC copy ${i + 1}`);
    assert.deepEqual(packet!.payload, Buffer.from(magicPacket(mac)));
  });

  it('an online worker on the other LAN relays the packet for a PC there that the coordinator cannot reach by broadcast', async () => {
    const mac = await macOf(lanB, 'pcb');
    await stopWorker('pcb');
    const capture = await captureIn(lanB, 'pcb');
    const answer = await admin('POST', '/api/workers/wake', { workerIds: ['wk-pcb'] });
    assert.deepEqual(answer, { success: true, sent: 0, relayed: 1, awake: [], stillOffline: ['wk-pcb'], noMac: [], unreachable: [] });
    await workers.relay!.logs.wait((l) => /relayed for the coordinator/.test(l.msg) && l.mac === mac, 20_000);
    const packets = udpDatagrams(await capture.stop()).filter((d) => d.dstPort === 9);
    assert.equal(packets.length, 1, 'one packet, from the relay only (the coordinator sent none through the router)');
    const [packet] = packets;
    assert.equal(packet!.srcIp, relayB, "from the relay's NIC on LAN B");
    assert.equal(packet!.dstIp, lanB.subnet.replace(/\.0\/24$/, '.255'));
    assert.equal(packet!.dstMac, 'ff:ff:ff:ff:ff:ff');
    assert.deepEqual(packet!.payload, Buffer.from(magicPacket(mac)));
  });
});
