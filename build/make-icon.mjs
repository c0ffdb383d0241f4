// Draws Brook's app icon (build/icon.png, 512×512: like the window's favicon, a teal rounded square with two
// white waves) without any image library: `node build/make-icon.mjs`. electron-builder derives the .icns
// and .ico from it.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const RADIUS = 104;
const MARGIN = 24;
const TOP = [0x14, 0xb8, 0xa6];
const BOTTOM = [0x0d, 0x94, 0x88];
const WAVES = [
  { y: 214, amplitude: 22, phase: 0 },
  { y: 318, amplitude: 22, phase: 0 },
];
const HALF_THICKNESS = 19;
const WAVELENGTH = 150;

const clamp = (value) => Math.min(1, Math.max(0, value));

/** Coverage of the rounded square at the pixel centre (x, y), antialiased over one pixel. */
function square(x, y) {
  const inner = SIZE / 2 - MARGIN - RADIUS;
  const dx = Math.max(Math.abs(x - SIZE / 2) - inner, 0);
  const dy = Math.max(Math.abs(y - SIZE / 2) - inner, 0);
  return clamp(RADIUS - Math.hypot(dx, dy) + 0.5);
}

/** Coverage of the waves: the distance to the nearest point of each sine (sampled every half pixel), round caps at the ends. */
function waves(x, y) {
  const left = MARGIN + 70;
  const right = SIZE - MARGIN - 70;
  const k = (2 * Math.PI) / WAVELENGTH;
  let coverage = 0;
  for (const wave of WAVES) {
    if (Math.abs(y - wave.y) > wave.amplitude + HALF_THICKNESS + 2) continue;
    let nearest = Infinity;
    for (let sx = Math.max(left, x - HALF_THICKNESS - 2); sx <= Math.min(right, x + HALF_THICKNESS + 2); sx += 0.5) {
      nearest = Math.min(nearest, Math.hypot(x - sx, y - (wave.y + wave.amplitude * Math.sin(k * sx + wave.phase))));
    }
    coverage = Math.max(coverage, clamp(HALF_THICKNESS - nearest + 0.5));
  }
  return coverage;
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  const row = y * (SIZE * 4 + 1);
  raw[row] = 0; // filter: none
  const t = y / (SIZE - 1);
  const base = TOP.map((top, i) => top + (BOTTOM[i] - top) * t);
  for (let x = 0; x < SIZE; x++) {
    const alpha = square(x + 0.5, y + 0.5);
    const white = waves(x + 0.5, y + 0.5);
    const offset = row + 1 + x * 4;
    for (let i = 0; i < 3; i++) raw[offset + i] = Math.round(base[i] + (255 - base[i]) * white);
    raw[offset + 3] = Math.round(alpha * 255);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = new URL('./icon.png', import.meta.url);
writeFileSync(out, png);
console.log(`wrote ${out.pathname} (${png.length} bytes)`);
