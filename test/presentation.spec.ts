/**
 * The panel draws what the static picture draws: for every shared fixture,
 * the same chart titles, and the same curves in the same colours and dashes
 * (test/fixtures/regenerate.py records the picture's; pytest checks they are
 * current). Both read these decisions from the payload.
 */

import type { LineSeriesOption } from 'echarts';

import { buildCharts, seriesId } from '../src/options';
import { RunPayload, validatePayload } from '../src/payload';
import { LIGHT_THEME } from '../src/theme';
import { comparisonFixtures, historyFixtures, PictureFacts } from './fixtures';

function panelFacts(data: unknown): PictureFacts & { names: string[] } {
  const payload = validatePayload(data);
  const specs = buildCharts(payload, { theme: LIGHT_THEME, animation: false });
  const facts = { charts: [] as string[], series: [], names: [] as string[] };
  for (const spec of specs) {
    const lines = spec.option.series as LineSeriesOption[];
    // The epoch curves, in drawing order (the picture has no batch curves,
    // bands or raw lines).
    const ids = new Map(
      payload.runs.flatMap(run =>
        Object.keys(run.metrics).map(
          metric => [seriesId(run, metric), { run, metric }] as const
        )
      )
    );
    // Beyond `highlight` runs both draw only the best k as curves of their
    // own; the rest are faint (the panel) or a spread band (the picture).
    const strong = (run: RunPayload) =>
      payload.highlight === null ||
      (run.rank !== null && run.rank <= payload.highlight);
    const curves = lines.flatMap(line => {
      const found = ids.get(line.id as string);
      return found && strong(found.run) ? [{ ...found, line }] : [];
    });
    if (curves.length === 0) {
      continue;
    }
    facts.charts.push((spec.option.title as { text: string }).text);
    for (const { run, metric, line } of curves) {
      (facts.series as PictureFacts['series']).push({
        run: run.name,
        metric,
        color: line.color as string,
        dashed: line.lineStyle?.type === 'dashed'
      });
      facts.names.push(line.name as string);
    }
  }
  return facts;
}

const fixtures = [...historyFixtures(), ...comparisonFixtures()];

describe('the panel and the picture', () => {
  it.each(fixtures.map(f => [f.file, f] as const))(
    'draw the same charts and curves for %s',
    (_file, fixture) => {
      const panel = panelFacts(fixture.payload);
      expect(panel.charts).toEqual(fixture.picture.charts);
      expect(panel.series).toEqual(fixture.picture.series);
    }
  );

  it.each(historyFixtures().map(f => [f.file, f] as const))(
    'name one run’s curves by their metrics, as the picture’s legend does, for %s',
    (_file, fixture) => {
      const panel = panelFacts(fixture.payload);
      expect(panel.names).toEqual(fixture.picture.series.map(s => s.metric));
    }
  );

  it('names a compared run’s curves by the run', () => {
    const [fixture] = comparisonFixtures();
    const panel = panelFacts(fixture.payload);
    panel.series.forEach((curve, i) => {
      expect(panel.names[i].startsWith(curve.run)).toBe(true);
    });
  });
});
