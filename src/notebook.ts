/**
 * Finding the other traincurves runs of a notebook in its outputs, so a panel
 * can overlay them with no kernel: the saved outputs are the data.
 */

import type { INotebookTracker } from '@jupyterlab/notebook';
import type { ICodeCellModel } from '@jupyterlab/cells';
import type { ISignal } from '@lumino/signaling';

import { MIME_TYPE, RunPayload, validatePayload } from './payload';

export interface NotebookRuns {
  runs: RunPayload[];
  /** Emitted when any output of the notebook changes. */
  changed: ISignal<unknown, void>;
}

export type RunFinder = (node: HTMLElement) => NotebookRuns | null;

/**
 * The runs of each output's payload, by the payload object: a notebook of
 * 200 panels is searched again whenever an overlay redraws, and only new
 * or changed outputs (new objects) are validated again.
 */
const validated = new WeakMap<object, RunPayload[]>();

function runsOf(data: object): RunPayload[] {
  let runs = validated.get(data);
  if (!runs) {
    try {
      runs = validatePayload(data).runs;
    } catch {
      runs = []; // that output shows its own error
    }
    validated.set(data, runs);
  }
  return runs;
}

/** Every run in the outputs of the notebook holding `node`, once each. */
export function notebookRunFinder(tracker: INotebookTracker): RunFinder {
  return node => {
    const panel = tracker.find(p => p.node.contains(node));
    const model = panel?.model;
    if (!model) {
      return null;
    }
    const byId = new Map<string, RunPayload>();
    for (let i = 0; i < model.cells.length; i++) {
      const cell = model.cells.get(i);
      if (cell.type !== 'code') {
        continue;
      }
      const outputs = (cell as ICodeCellModel).outputs;
      for (let j = 0; j < outputs.length; j++) {
        const data = outputs.get(j).data[MIME_TYPE];
        if (typeof data !== 'object' || data === null) {
          continue;
        }
        for (const run of runsOf(data)) {
          // The same run in a live panel and a comparison: keep the longest.
          const seen = byId.get(run.id);
          if (!seen || run.epochCount > seen.epochCount) {
            byId.set(run.id, run);
          }
        }
      }
    }
    return { runs: [...byId.values()], changed: model.contentChanged };
  };
}
