/**
 * Draws the app and tray icons into resources/ (run once; the PNGs are committed). Tray icons differ
 * in shape, not only colour: idle = ring, busy = filled disc with a play wedge, waiting (the lab's
 * policy or the PC's user holds it back) = hourglass, paused = two bars, disconnected = ring with a slash. macOS gets black "Template" variants that the OS recolours.
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

type Rgba = [number, number, number, number];

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function png(size: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      // 4x supersampling for smooth edges
      let acc: Rgba = [0, 0, 0, 0];
      for (let sy = 0; sy < 4; sy++)
        for (let sx = 0; sx < 4; sx++) {
          const p = pixel(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4);
          acc = [acc[0] + p[0] * p[3], acc[1] + p[1] * p[3], acc[2] + p[2] * p[3], acc[3] + p[3]];
        }
      const a = acc[3] / 16;
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = a ? Math.round(acc[0] / acc[3]) : 0;
      raw[o + 1] = a ? Math.round(acc[1] / acc[3]) : 0;
      raw[o + 2] = a ? Math.round(acc[2] / acc[3]) : 0;
      raw[o + 3] = Math.round(a);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const NONE: Rgba = [0, 0, 0, 0];
type Shape = (u: number, v: number) => boolean; // u, v in [-1, 1]

const ring: Shape = (u, v) => {
  const r = Math.hypot(u, v);
  return r <= 0.9 && r >= 0.62;
};
const disc: Shape = (u, v) => Math.hypot(u, v) <= 0.9;
const wedge: Shape = (u, v) => u > -0.3 && u < 0.5 && Math.abs(v) < (0.5 - u) * 0.75;
const bars: Shape = (u, v) => Math.abs(v) <= 0.75 && ((u >= -0.62 && u <= -0.18) || (u >= 0.18 && u <= 0.62));
const hourglass: Shape = (u, v) =>
  (Math.abs(v) >= 0.7 && Math.abs(v) <= 0.9 && Math.abs(u) <= 0.62) || (Math.abs(v) < 0.7 && Math.abs(u) <= Math.abs(v) * 0.72 + 0.08);
const slash: Shape = (u, v) => Math.abs(u - v) < 0.22 && Math.hypot(u, v) < 0.95;

const SHAPES: Record<string, (u: number, v: number, color: Rgba) => Rgba> = {
  idle: (u, v, c) => (ring(u, v) ? c : NONE),
  busy: (u, v, c) => (disc(u, v) && !wedge(u, v) ? c : NONE),
  waiting: (u, v, c) => (hourglass(u, v) ? c : NONE),
  paused: (u, v, c) => (bars(u, v) ? c : NONE),
  disconnected: (u, v, c) => (ring(u, v) || slash(u, v) ? c : NONE),
};
const COLORS: Record<string, Rgba> = {
  idle: [22, 163, 74, 255],
  busy: [37, 99, 235, 255],
  waiting: [124, 58, 237, 255],
  paused: [217, 119, 6, 255],
  disconnected: [100, 116, 139, 255],
};

for (const [name, shape] of Object.entries(SHAPES)) {
  for (const [suffix, size] of [
    ['', 16],
    ['@2x', 32],
  ] as const) {
    const at = (color: Rgba) => (x: number, y: number) => shape((x / size) * 2 - 1, (y / size) * 2 - 1, color);
    writeFileSync(`resources/tray-${name}${suffix}.png`, png(size, at(COLORS[name]!)));
    writeFileSync(`resources/tray-${name}Template${suffix}.png`, png(size, at([0, 0, 0, 255])));
  }
}

// App icon: a rounded square with a prompt chevron and cursor.
const APP = 512;
writeFileSync(
  'resources/icon.png',
  png(APP, (x, y) => {
    const u = (x / APP) * 2 - 1;
    const v = (y / APP) * 2 - 1;
    const r = 0.22;
    const qx = Math.max(Math.abs(u) - (0.92 - r), 0);
    const qy = Math.max(Math.abs(v) - (0.92 - r), 0);
    if (Math.hypot(qx, qy) > r) return NONE;
    const chevron = Math.abs(v) < 0.38 && Math.abs(u + 0.3 - (0.38 - Math.abs(v)) * 0.9 + 0.1) < 0.09;
    const cursor = u > 0.05 && u < 0.5 && v > 0.22 && v < 0.36;
    return chevron || cursor ? [255, 255, 255, 255] : [17, 24, 39, 255];
  }),
);
console.log('icons written to resources/');
