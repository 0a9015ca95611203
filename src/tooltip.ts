/**
 * The axis tooltip: every series at the hovered epoch. A function formatter's
 * HTML is inserted unescaped by ECharts, so every name is escaped here.
 */

import { escapeHTML, formatValue } from './format';

/** The part of ECharts' formatter params this tooltip reads. */
export interface TooltipItem {
  seriesId?: string;
  seriesName?: string;
  color?: unknown;
  value?: unknown;
  axisValue?: unknown;
}

/** Looks up whether a series' missing value at an epoch was NaN/inf. */
export type NonFiniteLookup = (
  seriesId: string,
  epoch: number
) => string | undefined;

function swatch(color: unknown): string {
  const css = typeof color === 'string' ? escapeHTML(color) : 'currentColor';
  return `<span class="tc-tooltip-swatch" style="background:${css}"></span>`;
}

export function formatTooltip(
  items: TooltipItem | TooltipItem[],
  nonfinite: NonFiniteLookup,
  labels: Map<string, string> = new Map(),
  xLabel = 'epoch'
): string {
  const list = Array.isArray(items) ? items : [items];
  if (list.length === 0) {
    return '';
  }
  const first = list[0];
  const x = Number(
    first.axisValue ?? (Array.isArray(first.value) ? first.value[0] : NaN)
  );
  const rows = list.map(item => {
    const y = Array.isArray(item.value) ? item.value[1] : item.value;
    const bad = nonfinite(item.seriesId ?? '', x);
    const value =
      // Packed series hold NaN where a value is missing.
      typeof y === 'number' && !Number.isNaN(y)
        ? escapeHTML(formatValue(y))
        : bad
          ? `<span class="tc-tooltip-bad">${escapeHTML(bad)}</span>`
          : '–';
    return (
      `<div class="tc-tooltip-row">${swatch(item.color)}` +
      `<span class="tc-tooltip-name">${escapeHTML(
        labels.get(item.seriesId ?? '') ?? item.seriesName ?? ''
      )}</span>` +
      `<span class="tc-tooltip-value">${value}</span></div>`
    );
  });
  return (
    `<div class="tc-tooltip-title">${escapeHTML(xLabel)} ${escapeHTML(
      formatValue(x)
    )}</div>` + rows.join('')
  );
}
