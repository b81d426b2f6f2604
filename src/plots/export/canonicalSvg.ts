/**
 * The root `<svg …>` tag with its attributes in one fixed order. plotly.js sets the root's `style`
 * and `viewBox` at different moments of a render, and which lands first varies from run to run
 * (seen under load), so the same figure could come out as two byte sequences. Known attributes
 * take the order plotly usually produces; any others follow in their original order.
 */
const ORDER = ['class', 'xmlns', 'xmlns:xlink', 'width', 'height', 'style', 'viewBox'];

export function canonicalSvgRoot(svg: string): string {
  const open = /^<svg\b([^>]*)>/.exec(svg);
  if (!open) return svg;
  const attrs = [...open[1].matchAll(/\s+([\w:-]+)="([^"]*)"/g)].map((m) => ({ name: m[1], text: m[0].trim() }));
  // Leave a tag we do not fully understand (unquoted or single-quoted values) as it is.
  if (attrs.map((a) => ` ${a.text}`).join('').length !== open[1].replace(/\s+$/, '').length) return svg;
  const rank = (name: string) => {
    const i = ORDER.indexOf(name);
    return i < 0 ? ORDER.length : i;
  };
  const sorted = attrs.map((a, i) => ({ ...a, i })).sort((a, b) => rank(a.name) - rank(b.name) || a.i - b.i);
  return `<svg ${sorted.map((a) => a.text).join(' ')}>${svg.slice(open[0].length)}`;
}
