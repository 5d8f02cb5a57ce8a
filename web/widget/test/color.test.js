import test from 'node:test';
import assert from 'node:assert/strict';
import { contrast, palette, parseColor } from '../src/color.js';

test('parses hex and rgb()', () => {
  assert.deepEqual(parseColor('#2563EB'), [37, 99, 235]);
  assert.deepEqual(parseColor('#fff'), [255, 255, 255]);
  assert.deepEqual(parseColor('rgb(1, 2, 3)'), [1, 2, 3]);
  assert.deepEqual(parseColor('rgba(1, 2, 3, 0.5)'), [1, 2, 3]);
  assert.equal(parseColor('rgba(0, 0, 0, 0)'), null);
  assert.equal(parseColor('tomato'), null, 'names are resolved by the browser');
});

test('every accent gives readable text', () => {
  for (const c of ['#2563eb', '#facc15', '#ffffff', '#000000', '#0f766e', '#ec4899', '#a3e635', '#7c3aed']) {
    const p = palette(parseColor(c));
    assert.ok(contrast(parseColor(p.accent), parseColor(p.ink)) >= 4.5, `${c}: ink on accent`);
    assert.ok(contrast(parseColor(p.strong), [255, 255, 255]) >= 4.5, `${c}: strong on white`);
    assert.ok(contrast(parseColor(p.strong), parseColor(p.soft)) >= 4.5, `${c}: strong on its tint`);
  }
  assert.equal(palette(parseColor('#facc15')).ink, '#111827', 'dark text on yellow');
  for (let r = 0; r < 256; r += 15) {
    for (let g = 0; g < 256; g += 15) {
      for (let b = 0; b < 256; b += 15) {
        const p = palette([r, g, b]);
        assert.ok(contrast(parseColor(p.accent), parseColor(p.ink)) >= 4.5, `ink on ${p.accent}`);
        assert.ok(contrast(parseColor(p.strong), parseColor(p.soft)) >= 4.5, `${p.strong} on ${p.soft}`);
      }
    }
  }
  assert.equal(palette(parseColor('#2563eb')).ink, '#ffffff');
  assert.equal(palette(parseColor('#2563eb')).accent, '#2563eb', 'a readable accent is kept as is');
});
