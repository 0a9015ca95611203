import { Signal } from '@lumino/signaling';
import type { ISessionContext } from '@jupyterlab/apputils';

import { KernelView, KernelWatch, liveness } from '../src/kernels';

function view(
  session: string | null,
  ended: [string, 'restarted' | 'stopped'][] = []
): KernelView {
  return { session, ended: new Map(ended) };
}

describe('liveness', () => {
  it('is live only while the producing kernel is the one running', () => {
    expect(liveness('a', view('a'))).toBe('live');
    expect(liveness('a', view('b'))).toBe('saved');
    expect(liveness('a', view(null))).toBe('saved');
    expect(liveness('a', null)).toBe('saved');
  });

  it('says how a kernel seen to end ended', () => {
    expect(liveness('a', view('b', [['a', 'restarted']]))).toBe('restarted');
    expect(liveness('a', view(null, [['a', 'stopped']]))).toBe('stopped');
  });

  it('leaves a payload that names no kernel as saved', () => {
    expect(liveness(null, view('b', [['a', 'restarted']]))).toBe('live');
    expect(liveness(null, null)).toBe('live');
  });
});

/** A kernel connection and session context with just what the watch uses. */
class FakeKernel {
  anyMessage = new Signal<this, { msg: unknown; direction: string }>(this);
  constructor(private readonly _session: string) {}
  requestKernelInfo() {
    return Promise.resolve({ header: { session: this._session } });
  }
  receive(session: string) {
    this.anyMessage.emit({ msg: { header: { session } }, direction: 'recv' });
  }
}

class FakeContext {
  kernelChanged = new Signal<this, { newValue: FakeKernel | null }>(this);
  statusChanged = new Signal<this, string>(this);
  session: { kernel: FakeKernel | null } | null;
  constructor(kernel: FakeKernel | null) {
    this.session = { kernel };
  }
  change(kernel: FakeKernel | null) {
    this.session = { kernel };
    this.kernelChanged.emit({ newValue: kernel });
  }
}

function watchOf(context: FakeContext): KernelWatch {
  return new KernelWatch(context as unknown as ISessionContext);
}

/** A watch of a context whose kernel sends from `session`, once it knows. */
async function watching(session: string) {
  const kernel = new FakeKernel(session);
  const context = new FakeContext(kernel);
  const watch = watchOf(context);
  await Promise.resolve(); // the kernel info reply
  return { kernel, context, watch };
}

describe('KernelWatch', () => {
  it('learns the session from kernel info, then from messages', async () => {
    const kernel = new FakeKernel('s1');
    const watch = watchOf(new FakeContext(kernel));
    let changes = 0;
    watch.changed.connect(() => changes++);
    await Promise.resolve();
    expect(watch.session).toBe('s1');
    kernel.receive('s1');
    expect(changes).toBe(1); // the same session again is no change
  });

  it('marks a restarted kernel and ignores its late messages', async () => {
    const { kernel, context, watch } = await watching('s1');
    context.statusChanged.emit('restarting');
    expect(watch.session).toBeNull();
    expect(liveness('s1', watch)).toBe('restarted');
    kernel.receive('s1'); // still on its way when the restart began
    expect(watch.session).toBeNull();
    kernel.receive('s2');
    expect(watch.session).toBe('s2');
    expect(liveness('s1', watch)).toBe('restarted');
    expect(liveness('s2', watch)).toBe('live');
  });

  it('marks a dead kernel, and one replaced or shut down, as stopped', async () => {
    const { kernel: first, context, watch } = await watching('s1');
    context.statusChanged.emit('dead');
    expect(liveness('s1', watch)).toBe('stopped');

    const second = new FakeKernel('s2');
    context.change(second);
    await Promise.resolve();
    expect(watch.session).toBe('s2');
    first.receive('s9'); // the old connection is no longer followed
    expect(watch.session).toBe('s2');
    context.change(null);
    expect(liveness('s2', watch)).toBe('stopped');
    expect(watch.session).toBeNull();
  });
});
