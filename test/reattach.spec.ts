import type { KernelMessage } from '@jupyterlab/services';

import { MIME_TYPE, Origin, readOrigin } from '../src/payload';
import { CellView, decide, recognise } from '../src/reattach';

const KERNEL = 'kernel-session';

function origin(overrides: Partial<Origin> = {}): Origin {
  return {
    display: 'd1',
    cell: 'cell-1',
    execution: 7,
    kernel: KERNEL,
    ...overrides
  };
}

function payload(o: Partial<Origin> | null = {}) {
  const run = { id: 'a', name: 'a', status: 'running', epochs: [1] };
  return {
    version: 1,
    runs: [{ ...run, metrics: { loss: [0.5] } }],
    ...(o === null ? {} : { origin: origin(o) })
  };
}

/** An IOPub message as a kernel sends it for a request of `client`. */
function message(
  options: {
    type?: string;
    channel?: string;
    display?: string | null;
    client?: string;
    data?: Record<string, unknown>;
  } = {}
): KernelMessage.IMessage {
  const {
    type = 'update_display_data',
    channel = 'iopub',
    display = 'd1',
    client = 'other-page',
    data = { [MIME_TYPE]: payload(), 'text/plain': 'a: running' }
  } = options;
  return {
    channel,
    header: {
      msg_id: 'm',
      msg_type: type,
      session: KERNEL,
      username: '',
      date: '',
      version: '5.3'
    },
    parent_header: {
      msg_id: 'request',
      msg_type: 'execute_request',
      session: client,
      username: '',
      date: '',
      version: '5.3'
    },
    metadata: {},
    content: {
      data,
      metadata: { [MIME_TYPE]: { height: 300 } },
      transient: display === null ? {} : { display_id: display }
    }
  } as unknown as KernelMessage.IMessage;
}

const thisPage = (session: string) => session === 'this-page';

describe('readOrigin', () => {
  it('reads a payload origin, the kernel optional', () => {
    expect(readOrigin(payload())).toEqual(origin());
    const noKernel: Partial<Origin> = origin();
    delete noKernel.kernel;
    expect(readOrigin({ origin: noKernel })).toEqual(origin({ kernel: null }));
  });

  it('is null for a payload without one or with a malformed one', () => {
    expect(readOrigin(payload(null))).toBeNull();
    expect(readOrigin(undefined)).toBeNull();
    expect(readOrigin('text')).toBeNull();
    expect(readOrigin({ origin: null })).toBeNull();
    expect(readOrigin({ origin: { ...origin(), cell: 3 } })).toBeNull();
    expect(readOrigin({ origin: { ...origin(), execution: '7' } })).toBeNull();
    expect(readOrigin({ origin: { ...origin(), kernel: 1 } })).toBeNull();
  });
});

describe('recognise', () => {
  it("takes another page's live panel update, as the notebook saves it", () => {
    const sighting = recognise(message(), thisPage);
    expect(sighting?.origin).toEqual(origin());
    expect(sighting?.output).toEqual({
      output_type: 'display_data',
      data: { [MIME_TYPE]: payload(), 'text/plain': 'a: running' },
      metadata: { [MIME_TYPE]: { height: 300 } }
    });
    expect(recognise(message({ type: 'display_data' }), thisPage)).not.toBe(
      null
    );
  });

  it("leaves this page's requests to their futures", () => {
    expect(recognise(message({ client: 'this-page' }), thisPage)).toBeNull();
  });

  it('leaves other messages alone', () => {
    const plain = { 'text/plain': 'hello' };
    expect(recognise(message({ data: plain }), thisPage)).toBeNull();
    const shownOnce = { [MIME_TYPE]: payload(null) };
    expect(recognise(message({ data: shownOnce }), thisPage)).toBeNull();
    expect(recognise(message({ type: 'execute_result' }), thisPage)).toBeNull();
    expect(recognise(message({ channel: 'shell' }), thisPage)).toBeNull();
  });

  it("needs the message's display id to be the payload's", () => {
    expect(recognise(message({ display: null }), thisPage)).toBeNull();
    expect(recognise(message({ display: 'd2' }), thisPage)).toBeNull();
  });
});

function cell(
  executionCount: number | null,
  outputs: (Partial<Origin> | null)[] = [],
  ranHere = false
): CellView {
  return {
    ranHere,
    executionCount,
    outputs: outputs.map(o => (o === null ? null : origin(o)))
  };
}

describe('decide', () => {
  it('updates the output that shows the panel, where it is', () => {
    expect(decide(cell(null, [null, {}]), origin(), false)).toEqual({
      action: 'update',
      index: 1
    });
    expect(decide(cell(7, [{}]), origin(), true)).toEqual({
      action: 'update',
      index: 0
    });
  });

  it('adds the panel to a cell saved before it was shown', () => {
    // Saved while running (no count yet), or never saved after it ran.
    expect(decide(cell(null), origin(), false)).toEqual({ action: 'add' });
    expect(decide(cell(null, [null]), origin(), false)).toEqual({
      action: 'add'
    });
    // Saved with this execution's count, or another panel of it.
    expect(decide(cell(7, [null]), origin(), false)).toEqual({
      action: 'add'
    });
    const sibling = cell(null, [{ display: 'd0' }]);
    expect(decide(sibling, origin(), false)).toEqual({ action: 'add' });
  });

  it('replaces the outputs of an earlier execution of the cell', () => {
    expect(decide(cell(3, [null]), origin(), false)).toEqual({
      action: 'replace'
    });
    const earlier = cell(null, [{ display: 'd0', execution: 3 }]);
    expect(decide(earlier, origin(), false)).toEqual({ action: 'replace' });
    // Of an earlier kernel process: its counts say nothing of this one's.
    const restarted = cell(12, [
      { display: 'd0', execution: 12, kernel: 'k0' }
    ]);
    expect(decide(restarted, origin(), false)).toEqual({ action: 'replace' });
  });

  it('leaves a cell alone that has run again since', () => {
    const ranAgain = { action: 'ignore', reason: 'ran again' };
    expect(decide(cell(9), origin(), false)).toEqual(ranAgain);
    const later = cell(null, [{ display: 'd9', execution: 9 }]);
    expect(decide(later, origin(), false)).toEqual(ranAgain);
    // The panel's own output survives in a cell run again: not updated.
    expect(decide(cell(null, [{}], true), origin(), false)).toEqual({
      action: 'ignore',
      reason: 'ran here'
    });
    expect(decide(cell(null, [], true), origin(), false)).toEqual({
      action: 'ignore',
      reason: 'ran here'
    });
  });

  it('does not bring back a panel the user cleared in this page', () => {
    expect(decide(cell(null), origin(), true)).toEqual({
      action: 'ignore',
      reason: 'removed'
    });
  });

  it('orders by count within one kernel only when kernels are known', () => {
    // A saved panel of an unknown kernel gives no order: the count decides.
    const unknown = cell(3, [{ display: 'd0', execution: 9, kernel: null }]);
    expect(decide(unknown, origin(), false)).toEqual({ action: 'replace' });
    expect(decide(cell(9), origin({ kernel: null }), false)).toEqual({
      action: 'ignore',
      reason: 'ran again'
    });
  });
});
