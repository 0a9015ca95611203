/** The data of a panel as files people take elsewhere: CSV and JSON. */

import type { Payload } from './payload';

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
