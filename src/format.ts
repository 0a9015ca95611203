/** Text helpers shared by the tooltip and the header. */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
};

/** Escape text for HTML built as a string (ECharts tooltip formatters). */
export function escapeHTML(text: string): string {
  return text.replace(/[&<>"']/g, c => ENTITIES[c]);
}

/** A metric value as people read it: 4 significant digits, no `1e-7` noise. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined) {
    return '–';
  }
  if (!Number.isFinite(value)) {
    return String(value);
  }
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5)) {
    return value.toExponential(2);
  }
  return String(Number(value.toPrecision(4)));
}

/** An x-axis epoch: whole epochs as integers, batch positions to 0.1. */
export function formatEpoch(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
