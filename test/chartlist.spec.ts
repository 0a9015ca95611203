/**
 * @jest-environment jsdom
 */
import { ChartList, FALLBACK_WIDTH } from '../src/chartlist';
import { fakeECharts } from './fakeECharts';

/** Give every element a layout box, as a visible output has (jsdom has none). */
function withBoxes(width: number, height: number, run: () => void): void {
  // jsdom defines the sizes on Element: shadow them on HTMLElement meanwhile.
  const sizes = { clientWidth: width, clientHeight: height };
  for (const [key, value] of Object.entries(sizes)) {
    Object.defineProperty(HTMLElement.prototype, key, {
      configurable: true,
      get: () => value
    });
  }
  try {
    run();
  } finally {
    for (const key of Object.keys(sizes)) {
      delete (HTMLElement.prototype as any)[key];
    }
  }
}

const charts = (...keys: string[]) =>
  keys.map(key => ({ key, option: { title: { text: key } } }));

function slots(host: HTMLElement): (string | undefined)[] {
  return [...host.children].map(node => (node as HTMLElement).dataset.slot);
}

function list(options: Partial<ConstructorParameters<typeof ChartList>[1]>) {
  const host = document.createElement('div');
  return {
    host,
    list: new ChartList(host, {
      className: 'tc-dist-chart',
      keyAttribute: 'slot',
      replaceMerge: ['series', 'xAxis'],
      ...options
    })
  };
}

describe('ChartList', () => {
  it('creates each chart once, in a box named by its key', () => {
    const fake = fakeECharts();
    const created: HTMLElement[] = [];
    const { host, list: chartList } = list({
      onCreate: (_chart, node) => created.push(node)
    });
    expect(chartList.update(fake.echarts, charts('band', 'heatmap'), 200)).toBe(
      true
    );
    expect(fake.charts).toHaveLength(2);
    expect(slots(host)).toEqual(['band', 'heatmap']);
    expect([...host.children].map(node => node.className)).toEqual([
      'tc-dist-chart',
      'tc-dist-chart'
    ]);
    expect(created).toEqual([...host.children]);
    expect(fake.charts[0].node).toBe(host.children[0]);
    expect(fake.charts[0].init.renderer).toBe('svg');

    // Same keys, same height: updated in place, nothing to lay out again.
    expect(chartList.update(fake.echarts, charts('band', 'heatmap'), 200)).toBe(
      false
    );
    expect(fake.charts).toHaveLength(2);
    expect(created).toHaveLength(2);
    expect(fake.charts.map(chart => chart.options.length)).toEqual([2, 2]);
    expect(fake.charts[0].options[1]).toEqual({ title: { text: 'band' } });
    expect(fake.charts[0].merges[1]).toEqual({
      replaceMerge: ['series', 'xAxis']
    });
    expect(chartList.size).toBe(2);
    expect(chartList.has('band')).toBe(true);
    expect(chartList.has('histogram')).toBe(false);
  });

  it('keeps the charts in the order given, moving boxes, not charts', () => {
    const fake = fakeECharts();
    const { host, list: chartList } = list({});
    chartList.update(fake.echarts, charts('a', 'b', 'c'), 200);
    const [a, b, c] = [...host.children];
    chartList.update(fake.echarts, charts('c', 'a', 'b'), 200);
    expect([...host.children]).toEqual([c, a, b]);
    expect(chartList.nodes).toEqual([c, a, b]);
    expect(fake.charts).toHaveLength(3);
    chartList.update(fake.echarts, charts('b', 'd', 'c'), 200);
    expect(slots(host)).toEqual(['b', 'd', 'c']);
    expect(host.children[0]).toBe(b);
    expect(host.children[2]).toBe(c);
    expect(fake.charts).toHaveLength(4);
  });

  it('disposes the charts whose key is gone, and all on dispose', () => {
    const fake = fakeECharts();
    const { host, list: chartList } = list({});
    chartList.update(fake.echarts, charts('histogram'), 200);
    expect(chartList.update(fake.echarts, charts('band', 'heatmap'), 200)).toBe(
      true
    );
    expect(fake.charts.map(chart => chart.disposed)).toEqual([
      true,
      false,
      false
    ]);
    expect(slots(host)).toEqual(['band', 'heatmap']);
    chartList.dispose();
    expect(fake.charts.every(chart => chart.disposed)).toBe(true);
    expect(host.children).toHaveLength(0);
    expect(chartList.size).toBe(0);
  });

  it('applies the height to every box, new or not', () => {
    const fake = fakeECharts();
    const { host, list: chartList } = list({});
    chartList.update(fake.echarts, charts('a'), 200);
    expect((host.children[0] as HTMLElement).style.height).toBe('200px');
    expect(chartList.update(fake.echarts, charts('a', 'b'), 240)).toBe(true);
    expect(
      [...host.children].map(node => (node as HTMLElement).style.height)
    ).toEqual(['240px', '240px']);
  });

  it('lays a chart out at a fixed size, never 0x0, while detached', () => {
    const fake = fakeECharts();
    const { list: chartList } = list({});
    chartList.update(fake.echarts, charts('a'), 180);
    expect(fake.charts[0].init).toMatchObject({
      width: FALLBACK_WIDTH,
      height: 180
    });
    // Resizing a box with no size would draw the chart at nothing.
    chartList.resize();
    expect(fake.charts[0].resized).toBe(0);
  });

  it('lets a chart take its box size when the box has one', () => {
    const fake = fakeECharts();
    const { list: chartList } = list({});
    withBoxes(500, 180, () => {
      chartList.update(fake.echarts, charts('a'), 180);
      expect(fake.charts[0].init.width).toBeUndefined();
      expect(fake.charts[0].init.height).toBeUndefined();
    });
    // A chart laid out detached is fitted once its box has a size.
    chartList.update(fake.echarts, charts('a', 'b'), 180);
    withBoxes(500, 180, () => chartList.resize());
    expect(fake.charts.map(chart => chart.resized)).toEqual([1, 1]);
  });

  it('connects the charts of a group', () => {
    const fake = fakeECharts();
    const { list: chartList } = list({ group: 'traincurves-7' });
    chartList.update(fake.echarts, charts('loss', 'accuracy'), 200);
    expect(fake.charts.map(chart => chart.group)).toEqual([
      'traincurves-7',
      'traincurves-7'
    ]);
    expect(new Set(fake.connected)).toEqual(new Set(['traincurves-7']));
  });
});
