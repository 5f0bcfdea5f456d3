/** Reading a capture: the UDP datagrams over IPv4 in a pcap file of Ethernet frames (what tcpdump -w writes on a veth). */

export interface UdpDatagram {
  /** Ethernet source and destination, as aa:bb:cc:dd:ee:ff. */
  srcMac: string;
  dstMac: string;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  payload: Buffer;
}

const LINKTYPE_ETHERNET = 1;

function mac(bytes: Buffer): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

function ip(bytes: Buffer): string {
  return [...bytes].join('.');
}

/** Every UDP datagram in the capture, in order; throws on a file that is not a pcap of Ethernet frames. */
export function udpDatagrams(pcap: Buffer): UdpDatagram[] {
  if (pcap.length < 24) throw new Error(`a pcap file has a 24-byte header; this one has ${pcap.length} bytes.`);
  const magic = pcap.readUInt32LE(0);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!little && pcap.readUInt32BE(0) !== 0xa1b2c3d4 && pcap.readUInt32BE(0) !== 0xa1b23c4d) throw new Error('not a pcap file');
  const u32 = (offset: number) => (little ? pcap.readUInt32LE(offset) : pcap.readUInt32BE(offset));
  if ((u32(20) & 0xffff) !== LINKTYPE_ETHERNET) throw new Error(`the capture's link type is ${u32(20)}, not Ethernet`);
  const out: UdpDatagram[] = [];
  for (let offset = 24; offset + 16 <= pcap.length;) {
    const length = u32(offset + 8);
    const frame = pcap.subarray(offset + 16, offset + 16 + length);
    offset += 16 + length;
    if (frame.length < 14 + 20 + 8 || frame.readUInt16BE(12) !== 0x0800) continue; // not IPv4
    const ipHeader = frame.subarray(14);
    const ihl = (ipHeader[0]! & 0x0f) * 4;
    if (ipHeader[9] !== 17) continue; // not UDP
    const udp = ipHeader.subarray(ihl);
    out.push({
      dstMac: mac(frame.subarray(0, 6)),
      srcMac: mac(frame.subarray(6, 12)),
      srcIp: ip(ipHeader.subarray(12, 16)),
      dstIp: ip(ipHeader.subarray(16, 20)),
      srcPort: udp.readUInt16BE(0),
      dstPort: udp.readUInt16BE(2),
      payload: Buffer.from(udp.subarray(8, udp.readUInt16BE(4))),
    });
  }
  return out;
}
