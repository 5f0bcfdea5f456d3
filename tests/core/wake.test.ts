/**
 * Wake-on-LAN's pure parts and its sender: the magic packet's bytes, MAC validation, broadcast
 * addresses, which network an interface is on, what a worker reports about its interfaces, and one real
 * packet sent over loopback (never onto the machine's network).
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, it } from 'node:test';
import { broadcastAddress, durationWords, isBroadcastFor, macProblem, magicPacket, normalizeMac, powerNoticeWords, sameNetwork } from '../../shared/wake.ts';
import { lanInterface, lanInterfaces as lanInterfacesSchema } from '../../shared/power-schema.ts';
import { lanInterfaces, localNetworks, networkFor, sendMagicPacket } from '../../electron/core/wake-on-lan.ts';

const MAC = '52:54:00:ab:cd:ef';
const MAC_BYTES = [0x52, 0x54, 0x00, 0xab, 0xcd, 0xef];

describe('the magic packet', () => {
  it('is six 0xFF bytes then the MAC sixteen times: 102 bytes', () => {
    const packet = magicPacket(MAC);
    assert.equal(packet.length, 102);
    assert.deepEqual([...packet.subarray(0, 6)], [255, 255, 255, 255, 255, 255]);
    for (let i = 0; i < 16; i++) assert.deepEqual([...packet.subarray(6 + i * 6, 12 + i * 6)], MAC_BYTES, `copy ${i + 1}`);
  });

  it('reads the MAC in any usual spelling, and refuses one that cannot be a NIC', () => {
    assert.deepEqual(magicPacket('52-54-00-AB-CD-EF'), magicPacket(MAC));
    assert.deepEqual(magicPacket('5254.00ab.cdef'), magicPacket(MAC));
    assert.throws(() => magicPacket('00:00:00:00:00:00'), /not a MAC address/);
    assert.throws(() => magicPacket('52:54:00:ab:cd'), /not a MAC address/);
  });
});

describe('MAC addresses', () => {
  it('normalizes to lower case with colons', () => {
    assert.equal(normalizeMac('52:54:00:AB:CD:EF'), MAC);
    assert.equal(normalizeMac(' 52-54-00-ab-cd-ef '), MAC);
  });

  it('refuses all zeros, broadcast and multicast addresses, and anything not six octets', () => {
    for (const bad of ['00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff', '01:00:5e:00:00:fb', '52:54:00:ab:cd', '52:54:00:ab:cd:ef:01', 'zz:54:00:ab:cd:ef', ''])
      assert.equal(normalizeMac(bad), null, bad);
  });

  it('says why a reported MAC is refused', () => {
    assert.equal(macProblem(MAC), null);
    assert.match(macProblem('5254.00ab.cdef')!, /six pairs of hex digits separated by colons/);
    assert.match(macProblem('00:00:00:00:00:00')!, /all-zero/);
  });
});

describe('broadcast addresses and networks', () => {
  it('computes the directed broadcast address from an address and its netmask', () => {
    assert.equal(broadcastAddress('192.168.1.10', '255.255.255.0'), '192.168.1.255');
    assert.equal(broadcastAddress('10.20.30.40', '255.255.0.0'), '10.20.255.255');
    assert.equal(broadcastAddress('172.16.5.130', '255.255.255.128'), '172.16.5.255');
    assert.equal(broadcastAddress('172.16.5.100', '255.255.255.128'), '172.16.5.127');
    assert.equal(broadcastAddress('10.0.0.1', '255.0.255.0'), null, 'a mask with holes');
    assert.equal(broadcastAddress('10.0.0.256', '255.255.255.0'), null);
    assert.equal(broadcastAddress('10.0.0.1', 'ffff:ff00::'), null);
  });

  it('knows a broadcast address that fits an address from one that does not', () => {
    assert.ok(isBroadcastFor('192.168.1.255', '192.168.1.10'));
    assert.ok(isBroadcastFor('192.168.1.127', '192.168.1.10'), 'a /25');
    assert.ok(!isBroadcastFor('192.168.2.255', '192.168.1.10'), 'another network');
    assert.ok(!isBroadcastFor('192.168.1.10', '192.168.1.10'), 'the address itself');
    assert.ok(isBroadcastFor('192.168.1.11', '192.168.1.10'), 'a /30');
    assert.ok(!isBroadcastFor('192.168.1.12', '192.168.1.10'), 'not every host bit set');
    assert.ok(!isBroadcastFor('8.8.8.8', '192.168.1.10'), 'a unicast address elsewhere');
  });

  it('puts two interfaces on one network when their broadcast addresses are equal', () => {
    assert.ok(sameNetwork({ broadcast: '10.1.2.255' }, { broadcast: '10.1.2.255' }));
    assert.ok(!sameNetwork({ broadcast: '10.1.2.255' }, { broadcast: '10.1.3.255' }));
    assert.ok(!sameNetwork({ broadcast: 'nonsense' }, { broadcast: 'nonsense' }));
  });
});

describe('what a worker reports about its interfaces', () => {
  const nic = (address: string, netmask: string, mac: string, extra: Partial<NetworkInterfaceInfo> = {}): NetworkInterfaceInfo =>
    ({ address, netmask, mac, family: 'IPv4', internal: false, cidr: null, ...extra }) as NetworkInterfaceInfo;
  const interfaces = {
    lo: [nic('127.0.0.1', '255.0.0.0', '00:00:00:00:00:00', { internal: true })],
    eth0: [
      nic('192.168.1.10', '255.255.255.0', '52:54:00:AB:CD:EF'),
      {
        address: 'fe80::1',
        netmask: 'ffff:ffff:ffff:ffff::',
        mac: '52:54:00:ab:cd:ef',
        family: 'IPv6',
        internal: false,
        cidr: null,
        scopeid: 2,
      } as NetworkInterfaceInfo,
    ],
    tun0: [nic('10.8.0.2', '255.255.255.0', '00:00:00:00:00:00')],
    ptp: [nic('10.9.0.1', '255.255.255.255', '52:54:00:00:00:09')],
    eth1: [nic('10.30.0.7', '255.255.0.0', '52:54:00:00:00:01')],
  };

  it('lists non-internal IPv4 interfaces with a real MAC, each with its broadcast address', () => {
    assert.deepEqual(lanInterfaces(interfaces), [
      { mac: MAC, address: '192.168.1.10', broadcast: '192.168.1.255' },
      { mac: '52:54:00:00:00:01', address: '10.30.0.7', broadcast: '10.30.255.255' },
    ]);
  });

  it('knows the networks it can send on (a tunnel without a MAC too, a /32 not), and which one a broadcast address belongs to', () => {
    const networks = localNetworks(interfaces);
    assert.deepEqual(
      networks.map((n) => n.name),
      ['eth0', 'eth1', 'tun0'],
    );
    assert.equal(networkFor('10.30.255.255', networks)?.address, '10.30.0.7');
    assert.equal(networkFor('10.31.255.255', networks), undefined);
  });

  it("is bounded, and what it reports passes the coordinator's checks", () => {
    const many = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`eth${i}`, [nic(`10.0.${i}.2`, '255.255.255.0', `52:54:00:00:01:${i.toString(16).padStart(2, '0')}`)]]),
    );
    const reported = lanInterfaces(many);
    assert.equal(reported.length, 16);
    assert.ok(lanInterfacesSchema.safeParse(reported).success);
  });
});

describe("the coordinator's check of a reported interface", () => {
  const parse = (value: unknown) => lanInterface.safeParse(value);
  it('takes a valid one and stores its MAC in lower case', () => {
    const parsed = parse({ mac: '52:54:00:AB:CD:EF', address: '10.1.2.3', broadcast: '10.1.2.255' });
    assert.ok(parsed.success);
    assert.equal(parsed.data.mac, MAC);
  });

  it('refuses a bad MAC, a bad address, a broadcast address that does not fit, and extra fields, each with a sentence', () => {
    const cases: [unknown, RegExp][] = [
      [{ mac: 'nope', address: '10.1.2.3', broadcast: '10.1.2.255' }, /six pairs of hex digits/],
      [{ mac: '00:00:00:00:00:00', address: '10.1.2.3', broadcast: '10.1.2.255' }, /all-zero/],
      [{ mac: MAC, address: '10.1.2.300', broadcast: '10.1.2.255' }, /dotted IPv4/],
      [{ mac: MAC, address: '10.1.2.3', broadcast: '8.8.8.8' }, /broadcast address of the interface's network/],
      [{ mac: MAC, address: '10.1.2.3', broadcast: '10.1.2.255', netmask: '255.255.255.0' }, /unrecognized/i],
    ];
    for (const [value, message] of cases) {
      const parsed = parse(value);
      assert.ok(!parsed.success, JSON.stringify(value));
      assert.match(parsed.error.issues[0]!.message, message);
    }
    assert.ok(!lanInterfacesSchema.safeParse(Array.from({ length: 17 }, () => ({ mac: MAC, address: '10.1.2.3', broadcast: '10.1.2.255' }))).success);
  });
});

describe('the notice at the PC', () => {
  it('says the action, the time and the time left', () => {
    const at = new Date(2030, 0, 7, 14, 5).getTime();
    assert.equal(
      powerNoticeWords({ action: 'shutdown', at }, at - 270_000),
      "This PC will shut down at 14:05 (in 4 min 30 s), as the lab's admin asked: save your work.",
    );
    assert.equal(powerNoticeWords({ action: 'reboot', at }), "This PC will restart at 14:05, as the lab's admin asked: save your work.");
    assert.equal(durationWords(300), '5 min');
    assert.equal(durationWords(20), '20 s');
  });
});

describe('sending a magic packet', () => {
  it('sends the 102 bytes from the given address to the given one and port (over loopback here)', async () => {
    const receiver = createSocket('udp4');
    const received = new Promise<{ data: Buffer; from: string }>((resolve) =>
      receiver.once('message', (data, rinfo) => resolve({ data, from: rinfo.address })),
    );
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    try {
      await sendMagicPacket(MAC, '127.0.0.1', '127.0.0.1', receiver.address().port);
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no packet within 5 s')), 5000).unref());
      const { data, from } = await Promise.race([received, timeout]);
      assert.equal(from, '127.0.0.1');
      assert.deepEqual([...data], [...magicPacket(MAC)]);
    } finally {
      receiver.close();
    }
  });

  it('rejects with a sentence when it cannot bind the address it was told to send from', async () => {
    await assert.rejects(
      sendMagicPacket(MAC, '127.0.0.1', '192.0.2.77', 9),
      /could not send a magic packet for 52:54:00:ab:cd:ef to 127\.0\.0\.1 from 192\.0\.2\.77/,
    );
  });
});
