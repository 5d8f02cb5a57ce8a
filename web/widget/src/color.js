// The accent color and the colors derived from it, chosen for contrast
// (WCAG 2 relative luminance). Pure: tested with node --test.

/** [r, g, b] (0-255) from "rgb(…)", "rgba(…)" or "#rgb" / "#rrggbb", or null. */
export function parseColor(s) {
  s = String(s).trim().toLowerCase();
  let m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(s);
  if (m) {
    let h = m[1];
    if (h.length === 3) h = h.replace(/./g, '$&$&');
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*(?:[,/]\s*([\d.]+%?)\s*)?\)$/.exec(s);
  if (m) {
    if (m[4] !== undefined && parseFloat(m[4]) === 0) return null; // transparent
    return [m[1], m[2], m[3]].map((v) => Math.max(0, Math.min(255, Math.round(Number(v)))));
  }
  return null;
}

export function luminance([r, g, b]) {
  const f = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}

export function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

const WHITE = [255, 255, 255];
const INK = [17, 24, 39]; // the widget's text color

export const hex = (rgb) => '#' + rgb.map((c) => c.toString(16).padStart(2, '0')).join('');

function mix(a, b, t) {
  return a.map((c, i) => Math.round(c + (b[i] - c) * t));
}

/** rgb darkened toward the ink color, step by step, until it reads at `ratio` on `bg`. */
function darkenUntil(rgb, bg, ratio) {
  let c = rgb;
  for (let t = 0.05; contrast(c, bg) < ratio && t <= 1.0001; t += 0.05) c = mix(rgb, INK, t);
  return c;
}

/**
 * The palette for one accent, every pair at WCAG AA (4.5:1) or better:
 *  accent: the fill (launcher, the user's bubbles, buttons) — the brand's
 *    color, darkened only when neither white nor near-black text reads on it;
 *  ink: text on the fill, white or near-black, whichever contrasts more;
 *  soft: a light tint for backgrounds (status badge, focus halo);
 *  strong: the accent as text or outline on white and on the tint (links,
 *    focus rings, the "open" badge).
 */
export function palette(rgb) {
  let fill = rgb;
  let ink = contrast(rgb, WHITE) >= contrast(rgb, INK) ? WHITE : INK;
  if (contrast(fill, ink) < 4.5) {
    ink = WHITE;
    fill = darkenUntil(rgb, WHITE, 4.5);
  }
  const soft = mix(rgb, WHITE, 0.9);
  const strong = darkenUntil(rgb, soft, 4.5);
  return { accent: hex(fill), ink: hex(ink), strong: hex(strong), soft: hex(soft) };
}

export const DEFAULT_ACCENT = [37, 99, 235]; // #2563eb
