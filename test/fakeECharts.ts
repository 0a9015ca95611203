/** Enough of ECharts to count charts and see what each one was given. */
import type { ECharts } from '../src/echarts';

export interface FakeChart {
  node: HTMLElement;
  /** The size `echarts.init` was asked for. */
  init: { renderer?: string; width?: number; height?: number };
  /** Every option set, in order, and the merge options it came with. */
  options: unknown[];
  merges: unknown[];
  group?: string;
  resized: number;
  disposed: boolean;
  /** Every action dispatched (highlight, downplay), in order. */
  actions: unknown[];
  /** Send the chart an event, as a user's action would. */
  emit(event: string, payload: unknown): void;
}

export function fakeECharts(): {
  echarts: ECharts;
  charts: FakeChart[];
  connected: string[];
} {
  const charts: FakeChart[] = [];
  const connected: string[] = [];
  const echarts = {
    init: (node: HTMLElement, _theme: unknown, init: FakeChart['init']) => {
      const handlers = new Map<string, (payload: unknown) => void>();
      const chart: FakeChart = {
        node,
        init: init ?? {},
        options: [],
        merges: [],
        resized: 0,
        disposed: false,
        actions: [],
        emit: (event, payload) => handlers.get(event)?.(payload)
      };
      charts.push(chart);
      return {
        set group(group: string) {
          chart.group = group;
        },
        on: (event: string, handler: (payload: unknown) => void) =>
          handlers.set(event, handler),
        setOption: (option: unknown, merge: unknown) => {
          chart.options.push(option);
          chart.merges.push(merge);
        },
        dispose: () => {
          chart.disposed = true;
        },
        isDisposed: () => chart.disposed,
        dispatchAction: (action: unknown) => chart.actions.push(action),
        resize: () => {
          chart.resized++;
        },
        getWidth: () => chart.init.width ?? 0,
        getHeight: () => chart.init.height ?? 0
      };
    },
    connect: (group: string) => connected.push(group)
  };
  return { echarts: echarts as unknown as ECharts, charts, connected };
}
