/**
 * What a comparison shows under the user's choices, decided once per draw
 * for the curves, the run table and the params charts alike: which runs are
 * listed, drawn and drawn strongly, their ranks, the params axes, and each
 * run's colour (its stable one, or by the chosen param or metric).
 */

import { colorScale, ColorScale } from './colorBy';
import { runColors } from './compare';
import type { Payload, RunPayload } from './payload';
import { SweepAxis, sweepAxes } from './params';
import {
  drawnRuns,
  focusOf,
  isListed,
  isSweep,
  rankRuns,
  strongRuns,
  SweepFilter
} from './sweep';

export interface SweepScene {
  /** Many runs: faint curves, the best k strong, the table as legend. */
  sweep: boolean;
  ranks: Map<string, number>;
  axes: SweepAxis[];
  /** Runs the search and brushes keep (ticked or not). */
  listed: Set<string>;
  drawn: RunPayload[];
  strong: Set<string>;
  colors: Map<string, string>;
  /** The colour map in use, or null: each run its stable colour. */
  scale: ColorScale | null;
}

export function sweepScene(
  payload: Payload,
  filter: SweepFilter,
  colorBy: string | null,
  palette: string[]
): SweepScene {
  const { runs } = payload;
  const sweep = isSweep(payload);
  const ranks = rankRuns(payload);
  const axes = sweepAxes(runs, focusOf(payload));
  const drawn = drawnRuns(runs, filter);
  const axis = axes.find(a => a.key === colorBy);
  const scale = axis ? colorScale(axis, runs) : null;
  // Stable colours are decided over every run, so filtering keeps them.
  const colors = scale
    ? new Map(runs.map(run => [run.id, scale.color(run)]))
    : runColors(runs, palette);
  return {
    sweep,
    ranks,
    axes,
    listed: new Set(
      runs.filter(run => isListed(run, filter)).map(run => run.id)
    ),
    drawn,
    strong: strongRuns(payload, drawn, ranks),
    colors,
    scale
  };
}
