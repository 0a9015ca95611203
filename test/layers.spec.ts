/**
 * @jest-environment jsdom
 */
import { distributionRows } from '../src/distributions';
import {
  DistributionSection,
  renderHints,
  renderRowTitle,
  sectionSummary
} from '../src/layers';
import { RunPayload, validatePayload } from '../src/payload';
import { LIGHT_THEME } from '../src/theme';
import { fakeECharts } from './fakeECharts';
import { historyFixture } from './fixtures';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

function fixtureRun(): RunPayload {
  return validatePayload(historyFixture('distributions').payload).runs[0];
}

describe('row titles and hints', () => {
  it('name, kind of weights and the latest facts, as text', () => {
    const rows = distributionRows([fixtureRun()]);
    expect(renderRowTitle(rows[3]).map(n => n.textContent)).toEqual([
      'hidden/kernel',
      'weights',
      'epoch 6 · 8.33 % zeros · 12 values'
    ]);
    expect(renderRowTitle(rows[0]).map(n => n.className)).toEqual([
      'tc-dist-name',
      'tc-dist-facts'
    ]);
    const hostile = { ...rows[0], label: HOSTILE };
    const [name] = renderRowTitle(hostile);
    expect(name.textContent).toBe(HOSTILE);
    expect(name.querySelector('img')).toBeNull();
  });

  it('shows hints like findings: message and advice', () => {
    const rows = distributionRows([fixtureRun()]);
    expect(renderHints(rows[0])).toBeNull();
    const dead = renderHints(rows[1])!;
    const item = dead.querySelector('.tc-finding')!;
    expect(item.className).toBe('tc-finding tc-finding-warning');
    expect(item.getAttribute('data-kind')).toBe('dead');
    expect(item.querySelector('.tc-finding-message')!.textContent).toBe(
      'dying: 88% of activations are exactly zero at epoch 6'
    );
    expect(item.querySelector('.tc-finding-advice')!.textContent).toMatch(
      /^Try: dead ReLUs/
    );
    const exploding = renderHints(rows[2])!.querySelector('.tc-finding')!;
    expect(exploding.className).toBe('tc-finding tc-finding-error');
  });

  it('sums up the section', () => {
    const rows = distributionRows([fixtureRun()]);
    expect(sectionSummary(rows)).toBe('3 layers · 1 weight');
    expect(sectionSummary(rows.slice(0, 1))).toBe('1 layer');
    const gradient = {
      ...rows[0],
      dist: { ...rows[0].dist, kind: 'gradients' as const }
    };
    expect(sectionSummary([...rows, gradient])).toBe(
      '3 layers · 1 weight · 1 gradient norm'
    );
    expect(renderRowTitle(gradient).map(part => part.textContent)[1]).toBe(
      'gradient norms'
    );
  });
});

describe('DistributionSection', () => {
  const options = { height: 200, animate: true };

  it('stays hidden for runs without distributions', () => {
    const { echarts, charts } = fakeECharts();
    const section = new DistributionSection();
    const run = validatePayload(historyFixture('basic').payload).runs[0];
    section.update(echarts, [run], LIGHT_THEME, options);
    expect(section.node.hidden).toBe(true);
    expect(charts).toHaveLength(0);
  });

  it('creates charts once and updates them in place', () => {
    const { echarts, charts } = fakeECharts();
    const section = new DistributionSection();
    const run = fixtureRun();
    section.update(echarts, [run], LIGHT_THEME, options);
    expect(section.node.hidden).toBe(false);
    expect(section.node.open).toBe(true);
    const rows = section.node.querySelectorAll('.tc-dist');
    expect(rows).toHaveLength(4);
    expect(
      [...rows].map(row =>
        [...row.querySelectorAll<HTMLElement>('.tc-dist-chart')].map(
          node => node.dataset.slot
        )
      )
    ).toEqual(Array(4).fill(['band', 'heatmap']));
    expect(charts).toHaveLength(8);
    expect((charts[0].options[0] as { animation: boolean }).animation).toBe(
      true
    );

    section.update(echarts, [run], LIGHT_THEME, options);
    expect(charts).toHaveLength(8);
    expect(charts.every(chart => chart.options.length === 2)).toBe(true);
    // Updates must not animate.
    expect((charts[0].options[1] as { animation: boolean }).animation).toBe(
      false
    );

    const fewer = { ...run, distributions: run.distributions.slice(1) };
    section.update(echarts, [fewer], LIGHT_THEME, options);
    expect(section.node.querySelectorAll('.tc-dist')).toHaveLength(3);
    expect(charts.filter(chart => chart.disposed)).toHaveLength(2);

    section.dispose();
    expect(charts.every(chart => chart.disposed)).toBe(true);
  });

  it('swaps a first epoch histogram for band and heat map', () => {
    const { echarts, charts } = fakeECharts();
    const section = new DistributionSection();
    const run = fixtureRun();
    const dying = run.distributions[1];
    const first = {
      ...dying,
      epochs: dying.epochs.slice(0, 1),
      zeros: dying.zeros.slice(0, 1),
      nonfinite: dying.nonfinite.slice(0, 1),
      quantiles: Object.fromEntries(
        Object.entries(dying.quantiles).map(([q, v]) => [q, v.slice(0, 1)])
      ) as typeof dying.quantiles,
      histogram: {
        low: dying.histogram.low.slice(0, 1),
        high: dying.histogram.high.slice(0, 1),
        counts: dying.histogram.counts.slice(0, 1)
      },
      hints: []
    };
    section.update(
      echarts,
      [{ ...run, distributions: [first] }],
      LIGHT_THEME,
      options
    );
    const slots = () =>
      [...section.node.querySelectorAll<HTMLElement>('.tc-dist-chart')].map(
        node => node.dataset.slot
      );
    expect(slots()).toEqual(['histogram']);
    section.update(
      echarts,
      [{ ...run, distributions: [dying] }],
      LIGHT_THEME,
      options
    );
    expect(slots()).toEqual(['band', 'heatmap']);
    expect(charts[0].disposed).toBe(true);
    expect(section.node.querySelector('.tc-finding')?.textContent).toContain(
      'exactly zero'
    );
  });

  it('labels rows with the run name when several runs are shown', () => {
    const { echarts } = fakeECharts();
    const section = new DistributionSection();
    const run = fixtureRun();
    const other = { ...run, id: 'b', name: 'other' };
    section.update(echarts, [run, other], LIGHT_THEME, options);
    const names = [...section.node.querySelectorAll('.tc-dist-name')].map(
      n => n.textContent
    );
    expect(names).toHaveLength(8);
    expect(names[0]).toBe('layers · hidden');
    expect(names[4]).toBe('other · hidden');
  });

  it("gives the panel's picture its charts and titles while open", () => {
    const { echarts } = fakeECharts();
    const section = new DistributionSection();
    section.update(echarts, [fixtureRun()], LIGHT_THEME, options);
    expect(section.pictureParts()).toEqual({ charts: [], titles: [] });
    document.body.append(section.node);
    const parts = section.pictureParts();
    expect(parts.charts).toEqual([
      ...section.node.querySelectorAll('.tc-dist-chart')
    ]);
    expect(parts.titles).toEqual([
      ...section.node.querySelectorAll('.tc-dist-title')
    ]);
    section.node.open = false;
    expect(section.pictureParts()).toEqual({ charts: [], titles: [] });
    section.dispose();
  });
});
