/**
 * Picking running panels up again in a page that did not start them: a
 * reloaded page, or a notebook reopened while its kernel still trains.
 *
 * IOPub messages reach every client connected to a kernel. The page that ran
 * a cell routes the cell's outputs through that request's future; another
 * page (a reloaded page is a new client) has no future for the request, and
 * JupyterLab drops its display updates: only the kernel connection's
 * `iopubMessage` signal sees them (its `unhandledMessage` leaves IOPub out).
 * The messages do not carry the request's cell id either, so every live
 * panel's payload says where it began (`origin`: display id, cell id,
 * execution count, kernel process). With it the page updates the cell's
 * output in place (the renderer keeps its zoom, and the next save keeps the
 * latest state), adds the output if the saved notebook never held it, and
 * leaves alone a cell that has run again since.
 */

import type { Cell, ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import type { IConsoleTracker } from '@jupyterlab/console';
import type {
  INotebookModel,
  INotebookTracker,
  Notebook,
  NotebookPanel
} from '@jupyterlab/notebook';
import type { KernelMessage } from '@jupyterlab/services';
import type { ISignal } from '@lumino/signaling';

import { MIME_TYPE, Origin, readOrigin } from './payload';

/** An output as a cell's output model takes it. */
export type Output = Parameters<ICodeCellModel['outputs']['add']>[0];

/** A traincurves live panel's message sent for a request of another page. */
export interface Sighting {
  origin: Origin;
  /** The output it shows, as the notebook saves it (no display id). */
  output: Output;
}

/**
 * The live-panel message `msg` stands for, or null: not a traincurves
 * display, no `origin` (a console's panel, a panel shown once), or a request
 * made by this page (`ownClient` holds for the sessions of its kernel
 * connections), whose outputs its futures route, or drop when the cell has
 * run again.
 */
export function recognise(
  msg: KernelMessage.IMessage,
  ownClient: (session: string) => boolean
): Sighting | null {
  const type = msg.header.msg_type;
  if (
    msg.channel !== 'iopub' ||
    (type !== 'display_data' && type !== 'update_display_data')
  ) {
    return null;
  }
  const content = (msg as KernelMessage.IDisplayDataMsg).content;
  const origin = readOrigin(content.data?.[MIME_TYPE]);
  // The id the kernel sends with must be the one the payload names: else it
  // is no live panel's update (a payload shown again, say) and has no output.
  if (!origin || origin.display !== content.transient?.display_id) {
    return null;
  }
  const parent = msg.parent_header as Partial<KernelMessage.IHeader>;
  if (typeof parent.session === 'string' && ownClient(parent.session)) {
    return null;
  }
  return {
    origin,
    output: {
      output_type: 'display_data',
      data: content.data,
      metadata: content.metadata ?? {}
    }
  };
}

/** What the page knows of the cell a panel's update names. */
export interface CellView {
  /** It was run from this page since the page opened: its outputs are this page's. */
  ranHere: boolean;
  /** Its execution count, as saved or set since; null: none. */
  executionCount: number | null;
  /** The `origin` of each of its outputs; null for one that is no live panel. */
  outputs: (Origin | null)[];
}

export type IgnoreReason =
  /** The cell was run from this page: its outputs are this page's. */
  | 'ran here'
  /** This page showed the panel, and it is gone: the user cleared it. */
  | 'removed'
  /** The cell shows a later execution than the panel's. */
  | 'ran again';

export type Decision =
  /** Replace output `index`, this panel's, with the update. */
  | { action: 'update'; index: number }
  /** Append the panel to the cell's outputs (of the same execution). */
  | { action: 'add' }
  /** Clear the cell's outputs, of an earlier execution, then add the panel. */
  | { action: 'replace' }
  | { action: 'ignore'; reason: IgnoreReason };

/** Where the cell's outputs stand against the panel's execution. */
type Order = 'before' | 'same' | 'after' | 'unknown';

function order(cell: CellView, origin: Origin): Order {
  const panels = cell.outputs.filter((o): o is Origin => o !== null);
  const known = (o: Origin) => o.kernel !== null && origin.kernel !== null;
  // A panel of the same kernel process says exactly which execution the
  // cell shows: counts are ordered within one process.
  const same = panels.filter(o => known(o) && o.kernel === origin.kernel);
  if (same.length) {
    const latest = Math.max(...same.map(o => o.execution));
    return latest > origin.execution
      ? 'after'
      : latest === origin.execution
        ? 'same'
        : 'before';
  }
  // A panel of another kernel process: the kernel now running has started
  // since, and the cell's count is most likely that older kernel's.
  if (panels.some(o => known(o) && o.kernel !== origin.kernel)) {
    return 'before';
  }
  const count = cell.executionCount;
  if (count === null) {
    // Never run, or saved while running (JupyterLab sets the count only
    // when the execution ends).
    return 'unknown';
  }
  return count > origin.execution
    ? 'after'
    : count === origin.execution
      ? 'same'
      : 'before';
}

/**
 * What to do with a panel's update in its cell. `shownHere`: this page has
 * shown that panel already (found or added it).
 */
export function decide(
  cell: CellView,
  origin: Origin,
  shownHere: boolean
): Decision {
  if (cell.ranHere) {
    return { action: 'ignore', reason: 'ran here' };
  }
  const index = cell.outputs.findIndex(o => o?.display === origin.display);
  if (index >= 0) {
    return { action: 'update', index };
  }
  if (shownHere) {
    return { action: 'ignore', reason: 'removed' };
  }
  switch (order(cell, origin)) {
    case 'after':
      return { action: 'ignore', reason: 'ran again' };
    case 'before':
      return { action: 'replace' };
    default:
      return { action: 'add' };
  }
}

/** What the page knows of a code cell. */
export function viewCell(cell: ICodeCellModel, ranHere: boolean): CellView {
  const outputs: (Origin | null)[] = [];
  for (let i = 0; i < cell.outputs.length; i++) {
    outputs.push(readOrigin(cell.outputs.get(i).data[MIME_TYPE]));
  }
  return { ranHere, executionCount: cell.executionCount, outputs };
}

/**
 * Carry a decision out on the cell's model: what the user sees and the next
 * save writes. The cell takes the panel's execution count when it has none
 * or an earlier one, as the page that ran it would have shown.
 */
export function applyDecision(
  cell: ICodeCellModel,
  decision: Decision,
  { origin, output }: Sighting
): void {
  switch (decision.action) {
    case 'ignore':
      return;
    case 'update':
      // As JupyterLab applies an update: the renderer gets the new model.
      cell.outputs.set(decision.index, output);
      break;
    case 'replace':
      cell.outputs.clear();
      cell.outputs.add(output);
      break;
    case 'add':
      cell.outputs.add(output);
      break;
  }
  const count = cell.executionCount;
  if (count === null || count < origin.execution) {
    cell.executionCount = origin.execution;
  }
}

function codeCell(model: INotebookModel, id: string): ICodeCellModel | null {
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    if (cell.id === id) {
      return cell.type === 'code' ? (cell as ICodeCellModel) : null;
    }
  }
  return null;
}

/**
 * Follow every notebook's kernel for live panels of other pages' requests.
 * `executionScheduled` is `NotebookActions.executionScheduled` (passed in so
 * this module needs no JupyterLab code at run time); consoles only matter as
 * more connections of this page, whose requests are its own.
 */
export function reattachPanels(
  notebooks: INotebookTracker,
  executionScheduled: ISignal<unknown, { notebook: Notebook; cell: Cell }>,
  consoles: IConsoleTracker | null
): void {
  const ranHere = new WeakSet<ICellModel>();
  executionScheduled.connect((_, { cell }) => ranHere.add(cell.model));
  const ownClient = (session: string) =>
    [notebooks, consoles].some(
      tracker =>
        tracker?.find(
          p => p.sessionContext.session?.kernel?.clientId === session
        ) !== undefined
    );
  const follow = (panel: NotebookPanel) => {
    const shown = new Set<string>();
    panel.sessionContext.iopubMessage.connect((_, msg) => {
      const model = panel.context.isReady ? panel.model : null;
      const sighting = model ? recognise(msg, ownClient) : null;
      const cell = sighting && model && codeCell(model, sighting.origin.cell);
      if (!sighting || !cell) {
        return;
      }
      const { display } = sighting.origin;
      const view = viewCell(cell, ranHere.has(cell));
      const decision = decide(view, sighting.origin, shown.has(display));
      applyDecision(cell, decision, sighting);
      if (decision.action !== 'ignore') {
        shown.add(display);
      }
    });
  };
  notebooks.forEach(follow);
  notebooks.widgetAdded.connect((_, panel) => follow(panel));
}
