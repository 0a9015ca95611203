/**
 * What a panel exports, as files people take elsewhere: its data as CSV and
 * JSON, its charts as one PNG.
 */

import type { Payload } from './payload';

export type ExportFormat = 'png' | 'csv' | 'json';

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One row per run and epoch: `run,epoch,time,<metric>...` over the union of
 * metrics; NaN/inf written as `nan`/`inf`, values never logged left empty.
 */
export function toCSV(payload: Payload): string {
  const metrics: string[] = [];
  for (const run of payload.runs) {
    for (const m of Object.keys(run.metrics)) {
      if (!metrics.includes(m)) {
        metrics.push(m);
      }
    }
  }
  const lines = [['run', 'epoch', 'time', ...metrics].map(csvField).join(',')];
  for (const run of payload.runs) {
    const bad = new Map(
      Object.entries(run.nonfinite).map(([m, e]) => [m, new Map(e)])
    );
    run.epochs.forEach((epoch, i) => {
      const cells = metrics.map(m => {
        const value = run.metrics[m]?.[i];
        if (value === undefined || value === null) {
          return bad.get(m)?.get(epoch) ?? '';
        }
        return String(value);
      });
      const time = run.time?.[i];
      lines.push(
        [
          csvField(run.name),
          String(epoch),
          time === null || time === undefined ? '' : String(time),
          ...cells
        ].join(',')
      );
    });
  }
  return lines.join('\n') + '\n';
}

export function toJSON(payload: Payload): string {
  return JSON.stringify(payload, null, 1);
}

/** A file name from a run name: letters, digits, dots, dashes. */
export function fileName(name: string, extension: string): string {
  const base = name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
  return `traincurves-${base}.${extension}`;
}

/** Hand a file to the browser as a real download. */
export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/**
 * Hand the user a file of `payload` as `format`; `picture` draws the PNG
 * (null: nothing to draw, no file).
 */
export async function exportFile(
  format: ExportFormat,
  name: string,
  payload: Payload,
  picture: () => Promise<Blob | null>
): Promise<void> {
  const blob =
    format === 'csv'
      ? new Blob([toCSV(payload)], { type: 'text/csv' })
      : format === 'json'
        ? new Blob([toJSON(payload)], { type: 'application/json' })
        : await picture();
  if (blob) {
    download(fileName(name, format), blob);
  }
}

/** The parts of a panel that go in its picture. */
export interface PictureParts {
  /** Boxes the picture spans, drawn or not (the charts' container). */
  frame: HTMLElement[];
  /** Chart boxes, each drawn from the SVG it holds. */
  charts: HTMLElement[];
  /** Titles (HTML above charts), written as text. */
  titles: HTMLElement[];
}

interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
  width: number;
  height: number;
}

/**
 * The rectangle holding every box that has a size: hidden parts (a collapsed
 * row, no charts yet) have empty boxes. Null when nothing has a size.
 */
export function pictureFrame(boxes: Rect[]): Rect | null {
  const shown = boxes.filter(box => box.width > 0 && box.height > 0);
  if (shown.length === 0) {
    return null;
  }
  const left = Math.min(...shown.map(b => b.left));
  const top = Math.min(...shown.map(b => b.top));
  const right = Math.max(...shown.map(b => b.right));
  const bottom = Math.max(...shown.map(b => b.bottom));
  return {
    left,
    top,
    right,
    bottom,
    width: right - left,
    height: bottom - top
  };
}

/** A title's text with its parts (name, kind badge, facts) kept apart. */
export function titleText(node: HTMLElement): string {
  const text = [...node.children]
    .map(part => part.textContent?.trim())
    .filter(Boolean)
    .join('   ');
  return text || (node.textContent ?? '');
}

/** A chart's SVG as drawn, decoded as an image; null if it will not decode. */
async function chartImage(node: HTMLElement): Promise<HTMLImageElement | null> {
  const drawn = node.querySelector('svg');
  if (!drawn) {
    return null;
  }
  // A same-origin blob keeps the canvas exportable (ECharts' own SVG string
  // does not decode).
  const svg = new Blob([new XMLSerializer().serializeToString(drawn)], {
    type: 'image/svg+xml'
  });
  const url = URL.createObjectURL(svg);
  const image = new Image();
  image.src = url;
  const decoded = await image.decode().then(
    () => true,
    () => false // one chart that will not decode costs only itself
  );
  URL.revokeObjectURL(url);
  return decoded ? image : null;
}

/** The charts and titles as one PNG, on the theme's background. */
export async function renderPicture(
  parts: PictureParts,
  colors: { background: string; text: string }
): Promise<Blob | null> {
  const frame = pictureFrame(
    [...parts.frame, ...parts.charts, ...parts.titles].map(node =>
      node.getBoundingClientRect()
    )
  );
  if (!frame) {
    return null;
  }
  const scale = window.devicePixelRatio || 1;
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(frame.width * scale));
  canvas.height = Math.max(1, Math.round(frame.height * scale));
  const context = canvas.getContext('2d')!;
  context.fillStyle = colors.background;
  context.fillRect(0, 0, canvas.width, canvas.height);
  for (const node of parts.charts) {
    const image = await chartImage(node);
    const r = node.getBoundingClientRect();
    if (!image || r.width === 0 || r.height === 0) {
      continue;
    }
    context.drawImage(
      image,
      (r.left - frame.left) * scale,
      (r.top - frame.top) * scale,
      r.width * scale,
      r.height * scale
    );
  }
  context.fillStyle = colors.text;
  context.textBaseline = 'middle';
  context.font = `${Math.round(12 * scale)}px sans-serif`;
  for (const title of parts.titles) {
    const r = title.getBoundingClientRect();
    context.fillText(
      titleText(title),
      (r.left - frame.left) * scale,
      (r.top + r.height / 2 - frame.top) * scale
    );
  }
  return new Promise(resolve => canvas.toBlob(resolve, 'image/png'));
}
