/**
 * @jest-environment jsdom
 */
import type { EChartsOption } from 'echarts';

import { MetricCharts } from '../src/metricCharts';
import type { ChartSpec } from '../src/options';
import { fakeECharts } from './fakeECharts';

function specs(...families: string[]): ChartSpec[] {
  return families.map(family => ({
    family,
    option: { dataZoom: [{ type: 'inside' }, { type: 'slider' }] }
  }));
}

function setup() {
  const fake = fakeECharts();
  const host = document.createElement('div');
  const metrics = new MetricCharts(host, 'traincurves-3', () => [1, 11]);
  return { ...fake, host, metrics };
}

function lastZoom(options: unknown[]): unknown {
  return (options[options.length - 1] as EChartsOption).dataZoom;
}

describe('MetricCharts', () => {
  it('shows a chart per family, zoomed together', () => {
    const { echarts, charts, connected, host, metrics } = setup();
    expect(metrics.update(echarts, specs('loss', 'accuracy'), 280, 10)).toBe(
      true
    );
    expect(
      [...host.children].map(node => [
        node.className,
        (node as HTMLElement).dataset.family
      ])
    ).toEqual([
      ['tc-chart', 'loss'],
      ['tc-chart', 'accuracy']
    ]);
    expect(charts.map(chart => chart.group)).toEqual([
      'traincurves-3',
      'traincurves-3'
    ]);
    expect(connected).toContain('traincurves-3');
    expect(charts[0].merges[0]).toEqual({ replaceMerge: ['series'] });
    expect(metrics.nodes).toEqual([...host.children]);
  });

  it('keeps the zoom across updates and mirrors it on every chart', () => {
    const { echarts, charts, host, metrics } = setup();
    metrics.update(echarts, specs('loss', 'accuracy'), 280, 10);
    charts[0].emit('datazoom', { batch: [{ start: 20, end: 60 }] });
    const zooms = () =>
      [...host.children].map(node => (node as HTMLElement).dataset.zoom);
    expect(zooms()).toEqual(['3.00-7.00', '3.00-7.00']);

    metrics.update(echarts, specs('loss', 'accuracy'), 280, 12);
    expect(lastZoom(charts[1].options)).toEqual([
      { type: 'inside', startValue: 3, endValue: 7 },
      { type: 'slider', startValue: 3, endValue: 7 }
    ]);
    expect(zooms()).toEqual(['3.00-7.00', '3.00-7.00']);

    // A window reaching the right end follows new epochs.
    charts[0].emit('datazoom', { start: 50, end: 100 });
    metrics.update(echarts, specs('loss', 'accuracy'), 280, 14);
    expect(lastZoom(charts[0].options)).toEqual([
      { type: 'inside', startValue: 6, endValue: 14 },
      { type: 'slider', startValue: 6, endValue: 14 }
    ]);

    // x is not epochs: no window applied.
    metrics.resetZoom();
    metrics.update(echarts, specs('loss', 'accuracy'), 280, null);
    expect(lastZoom(charts[0].options)).toEqual([
      { type: 'inside' },
      { type: 'slider' }
    ]);
    expect(zooms()).toEqual([undefined, undefined]);
  });

  it('mirrors the legend entries switched off on their chart', () => {
    const { echarts, charts, host, metrics } = setup();
    metrics.update(echarts, specs('loss', 'accuracy'), 280, 10);
    charts[1].emit('legendselectchanged', {
      selected: { accuracy: true, val_accuracy: false }
    });
    const hidden = () =>
      [...host.children].map(node => (node as HTMLElement).dataset.hidden);
    expect(hidden()).toEqual([undefined, '["val_accuracy"]']);
    metrics.update(echarts, specs('loss', 'accuracy'), 280, 11);
    expect(hidden()).toEqual([undefined, '["val_accuracy"]']);
    charts[1].emit('legendselectchanged', {
      selected: { accuracy: true, val_accuracy: true }
    });
    expect(hidden()).toEqual([undefined, undefined]);
  });

  it('disposes its charts', () => {
    const { echarts, charts, metrics } = setup();
    metrics.update(echarts, specs('loss'), 280, 10);
    metrics.dispose();
    expect(charts.every(chart => chart.disposed)).toBe(true);
    expect(metrics.size).toBe(0);
  });
});
