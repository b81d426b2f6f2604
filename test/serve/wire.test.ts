import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTensor, encodeTensor, fromFloat16Bits, parseShape, toFloat16Bits } from '../../src/serve/splitWire';

// Reference bits and values from numpy: np.array([v], dtype=np.float16).view(np.uint16).
const NUMPY: Array<[number, number, number]> = [
  [1.0, 0x3c00, 1.0],
  [65504.0, 0x7bff, 65504.0],
  [0.1, 0x2e66, 0.0999755859375],
  [-2.5, 0xc100, -2.5],
  [1e-8, 0x0000, 0],
  [6e-5, 0x03ef, 6.002187728881836e-5], // subnormal
  [3.0517578125e-5, 0x0200, 3.0517578125e-5],
  [70000.0, 0x7c00, Infinity],
  [0.333333, 0x3555, 0.333251953125],
];

test('float16 wire encoding matches numpy bit for bit, subnormals and overflow included', () => {
  for (const [v, bits, back] of NUMPY) {
    assert.equal(toFloat16Bits(v), bits, `bits of ${v}`);
    assert.equal(fromFloat16Bits(bits), back, `value of 0x${bits.toString(16)}`);
  }
  const values = Float32Array.from(NUMPY.slice(0, 7).map(([v]) => v));
  const decoded = decodeTensor(encodeTensor(values, 'float16'), [7], 'float16');
  assert.deepEqual(
    Array.from(decoded),
    NUMPY.slice(0, 7).map(([, , b]) => Math.fround(b)),
  );
  assert.deepEqual(decodeTensor(encodeTensor(values, 'float32'), [7], 'float32'), values);
});

test('wire: a body that does not match its shape, or a malformed shape, is a 400 naming the header', () => {
  assert.throws(
    () => decodeTensor(Buffer.alloc(10), [1, 2, 2], 'float32'),
    (e: { status?: number; message: string }) => e.status === 400 && /body has 10 bytes; expected 16/.test(e.message),
  );
  assert.throws(() => parseShape('1,x,3'), /x-eecal-shape "1,x,3": expected/);
  assert.throws(() => parseShape(undefined), /x-eecal-shape is missing/);
  assert.deepEqual(parseShape('1, 16,16,64'), [1, 16, 16, 64]);
});
