/**
 * Whether a panel saved as `running` can still be updated: only the kernel
 * process that produced it can send its updates. A restarted kernel, a kernel
 * that died, or a notebook reopened later under another kernel sends nothing
 * more, and the panel must not look live. This is view state: the output's
 * data stays as saved.
 */

import type { ISessionContext } from '@jupyterlab/apputils';
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';

/** How a kernel seen by this page ended. */
export type KernelLoss = 'restarted' | 'stopped';

/**
 * `live`: updates may still come; `saved`: the producing kernel is not the
 * notebook's kernel now (or there is none); otherwise how it ended.
 */
export type Liveness = 'live' | 'saved' | KernelLoss;

/** What the page knows of the kernel of a notebook or console. */
export interface KernelView {
  /** Session id the kernel sends its messages from; null: unknown or none. */
  readonly session: string | null;
  /** Sessions of kernels this page saw end, and how. */
  readonly ended: ReadonlyMap<string, KernelLoss>;
}

/**
 * Liveness of a running panel produced by the kernel session `producer`.
 * Without a producer (a payload written by another program) nothing can be
 * checked: the saved status stands.
 */
export function liveness(
  producer: string | null,
  kernel: KernelView | null
): Liveness {
  if (producer === null) {
    return 'live';
  }
  const loss = kernel?.ended.get(producer);
  if (loss) {
    return loss;
  }
  return kernel?.session === producer ? 'live' : 'saved';
}

/** Follows one notebook's (or console's) kernel through its messages. */
export class KernelWatch implements KernelView {
  constructor(context: ISessionContext) {
    context.kernelChanged.connect(this._onKernelChanged, this);
    context.statusChanged.connect(this._onStatus, this);
    this._connect(context.session?.kernel ?? null);
  }

  get session(): string | null {
    return this._session;
  }

  get ended(): ReadonlyMap<string, KernelLoss> {
    return this._ended;
  }

  /** Emitted when the session or the ended kernels change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  private _connect(kernel: Kernel.IKernelConnection | null): void {
    this._kernel?.anyMessage.disconnect(this._onMessage, this);
    this._kernel = kernel;
    if (!kernel) {
      return;
    }
    kernel.anyMessage.connect(this._onMessage, this);
    // An idle kernel sends nothing by itself: ask, so that a restart can be
    // told apart from a notebook reopened under a new kernel.
    kernel
      .requestKernelInfo()
      .then(reply => {
        if (reply && kernel === this._kernel) {
          this._learn(reply.header.session);
        }
      })
      .catch(() => undefined);
  }

  private _onMessage(
    _: Kernel.IKernelConnection,
    { msg, direction }: Kernel.IAnyMessageArgs
  ): void {
    if (direction === 'recv') {
      this._learn((msg as KernelMessage.IMessage).header.session);
    }
  }

  private _learn(session: string): void {
    // A message of a kernel already gone may still be on its way.
    if (!session || session === this._session || this._ended.has(session)) {
      return;
    }
    this._session = session;
    this._changed.emit();
  }

  private _end(loss: KernelLoss): void {
    if (this._session === null) {
      return;
    }
    this._ended.set(this._session, loss);
    this._session = null;
    this._changed.emit();
  }

  private _onStatus(_: ISessionContext, status: Kernel.Status): void {
    if (status === 'restarting' || status === 'autorestarting') {
      this._end('restarted');
    } else if (status === 'dead') {
      this._end('stopped');
    }
  }

  private _onKernelChanged(
    _: ISessionContext,
    change: { newValue: Kernel.IKernelConnection | null }
  ): void {
    this._end('stopped');
    this._connect(change.newValue);
  }

  private _kernel: Kernel.IKernelConnection | null = null;
  private _session: string | null = null;
  private readonly _ended = new Map<string, KernelLoss>();
  private readonly _changed = new Signal<this, void>(this);
}

const watches = new WeakMap<ISessionContext, KernelWatch>();

/**
 * The watch of a session context, made on first use. The plugin makes one
 * for every notebook and console as it opens, so that the kernel's session
 * is known before the first panel of a run arrives.
 */
export function watchKernel(context: ISessionContext): KernelWatch {
  let watch = watches.get(context);
  if (!watch) {
    watch = new KernelWatch(context);
    watches.set(context, watch);
  }
  return watch;
}

/**
 * The kernel of the notebook or console holding `widget`: the nearest
 * ancestor with a session context. Null when there is none (an output shown
 * outside a notebook), or before the widget is attached.
 */
export function kernelWatchOf(widget: Widget): KernelWatch | null {
  for (let w: Widget | null = widget.parent; w; w = w.parent) {
    const context = (w as Partial<{ sessionContext: ISessionContext }>)
      .sessionContext;
    if (context && typeof context.kernelChanged?.connect === 'function') {
      return watchKernel(context);
    }
  }
  return null;
}
