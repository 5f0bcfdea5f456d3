/**
 * Joining a lab on a real LAN (network namespaces and a bridge, never the machine's own network): a
 * worker on another host finds the coordinator over mDNS, asks to join, is approved and runs a job;
 * a capture of the whole LAN holds no token and no job output in clear; plain HTTP from another PC
 * is refused while the seed's curl examples still work on the coordinator's own loopback.
 */
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { CLI } from '../helpers/processes.ts';
import { buildZip } from '../helpers/zip.ts';
import { createLab, ensureTcpdump, type Capture, type Lab } from './lab.ts';

const PORT = 3000;

/** Every JSON log line of a process, and a way to wait for one. */
function logsOf(child: ChildProcess): { lines: any[]; wait: (test: (line: any) => boolean, timeoutMs?: number) => Promise<any> } {
  const lines: any[] = [];
  const waiters = new Set<{ test: (line: any) => boolean; resolve: (line: any) => void }>();
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: any;
    try {
      line = JSON.parse(text);
    } catch {
      line = { text };
    }
    lines.push(line);
    for (const w of waiters) {
      if (!w.test(line)) continue;
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
          () => waiters.delete(waiter) && reject(new Error(`no such log line within ${timeoutMs} ms; last: ${JSON.stringify(lines.slice(-5))}`)),
          timeoutMs,
        );
      }),
  };
}

describe('joining a lab on a namespaced LAN', () => {
  let lab: Lab<'coord' | 'pc1' | 'pc2'>;
  const dir = mkdtempSync(join(tmpdir(), 'cmdx-lan-'));
  let adminToken: string;
  let joinToken: string;
  let capture: Capture | undefined;
  let pcap: Buffer = Buffer.alloc(0);
  let workerToken = '';
  const secretOutput = `job-output-${Date.now().toString(36)}-visible-only-inside-tls`;
  const secretFile = `zip-content-${Date.now().toString(36)}-never-in-clear`;

  /** The seed's curl, run on the coordinator PC against its own loopback (plain HTTP). */
  async function loopbackCurl(args: string[]): Promise<any> {
    const res = await lab.exec('coord', 'curl', ['-sS', '-H', `Authorization: Bearer ${adminToken}`, ...args]);
    return JSON.parse(res.stdout);
  }

  before(async () => {
    ensureTcpdump();
    lab = await createLab({ hosts: ['coord', 'pc1', 'pc2'] });
    const coordinator = lab.spawn('coord', process.execPath, [
      CLI,
      'coordinator',
      '--data-dir',
      join(dir, 'coord'),
      '--port',
      String(PORT),
      '--announce',
      '--offline-after',
      '5',
    ]);
    await logsOf(coordinator).wait((l) => l.msg === 'coordinator listening');
    ({ adminToken, joinToken } = JSON.parse(readFileSync(join(dir, 'coord', 'tokens.json'), 'utf8')));
  });

  after(async () => {
    await capture?.stop().catch(() => {});
    await lab?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a worker on another PC discovers the coordinator, asks to join, is approved, and runs a job; the LAN sees no secret in clear', async () => {
    capture = await lab.capture();
    const worker = lab.spawn('pc1', process.execPath, [
      CLI,
      'worker',
      '--discover',
      '--work-dir',
      join(dir, 'pc1'),
      '--id',
      'lab-pc-1',
      '--heartbeat-interval',
      '1',
    ]);
    const logs = logsOf(worker);
    const found = await logs.wait((l) => l.msg === 'coordinator found');
    assert.deepEqual(found.addresses, [lab.hosts.coord.ip]);
    const asked = await logs.wait((l) => l.msg?.startsWith('asked to join'));

    const waiting = await loopbackCurl([`http://127.0.0.1:${PORT}/api/workers/join-requests`]);
    const request = waiting.requests.find((r: any) => r.workerId === 'lab-pc-1');
    assert.equal(request.pairingCode, asked.pairingCode, 'the PC and the dashboard show the same code');
    assert.equal(request.address, lab.hosts.pc1.ip);
    await loopbackCurl([
      '-X',
      'POST',
      '-H',
      'Content-Type: application/json',
      '-d',
      JSON.stringify({ all: true }),
      `http://127.0.0.1:${PORT}/api/workers/join-requests/approve`,
    ]);
    await logs.wait((l) => l.msg === 'the admin approved this PC; it now takes jobs');

    // The seed's distributed example, on the coordinator PC.
    const zipPath = join(dir, 'project.zip');
    writeFileSync(zipPath, await buildZip([{ name: 'project/secret.txt', content: secretFile }]));
    const created = await loopbackCurl([
      '-X',
      'POST',
      '-F',
      `file=@${zipPath}`,
      '-F',
      `commands=cat secret.txt > /dev/null && echo ${secretOutput}`,
      '-F',
      'mode=distributed',
      `http://127.0.0.1:${PORT}/api/execute`,
    ]);
    let job: any;
    for (let i = 0; i < 100 && job?.status !== 'completed'; i++) {
      job = await loopbackCurl([`http://127.0.0.1:${PORT}/api/jobs/status?jobId=${created.jobId}`]);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(job.status, 'completed');
    assert.equal(job.workerId, 'lab-pc-1');
    assert.match(job.stdout, new RegExp(secretOutput));

    // A dashboard session from another PC: the admin token and the job's output, over TLS.
    const dashboard = await lab.exec('pc2', 'curl', [
      '-sS',
      '-k',
      '-H',
      `Authorization: Bearer ${adminToken}`,
      `https://${lab.hosts.coord.ip}:${PORT}/api/jobs/status?jobId=${created.jobId}`,
    ]);
    assert.match(dashboard.stdout, new RegExp(secretOutput));

    pcap = await capture.stop();
    capture = undefined;
    workerToken = JSON.parse(readFileSync(join(dir, 'pc1', 'worker.json'), 'utf8')).workerToken;
    assert.ok(pcap.length > 5000, `the capture saw the traffic (${pcap.length} bytes)`);
    assert.ok(pcap.includes(Buffer.from('_cmdx')), 'the capture saw the mDNS announcement, so it really watched the LAN');
    for (const [name, secret] of Object.entries({ adminToken, joinToken, workerToken, secretOutput, secretFile })) {
      assert.equal(pcap.includes(Buffer.from(secret)), false, `${name} crossed the LAN in clear`);
    }
  });

  it('plain HTTP from another PC is refused (never the API), while loopback on the coordinator PC works', async () => {
    const refused = await lab.exec('pc2', 'curl', ['-sS', '-o', '-', '-w', '\n%{http_code}', `http://${lab.hosts.coord.ip}:${PORT}/api/jobs/create`]);
    const [body, status] = [refused.stdout.slice(0, refused.stdout.lastIndexOf('\n')), refused.stdout.slice(refused.stdout.lastIndexOf('\n') + 1)];
    assert.equal(status, '403');
    assert.match(body, /accepts plain HTTP only from its own PC; connect with https/);
    const page = await lab.exec('pc2', 'curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', `http://${lab.hosts.coord.ip}:${PORT}/`]);
    assert.equal(page.stdout, `301 https://${lab.hosts.coord.ip}:${PORT}/`);
    const local = await loopbackCurl([`http://127.0.0.1:${PORT}/api/jobs/create`]);
    assert.equal(local.count, 1);
  });
});
