/**
 * Browser side of bench/sweep_render.mjs: a sweep's panel rendered with the
 * real panel code (bench/render-entry.ts), then kept for the hover timing.
 */

import { loadECharts } from '../src/echarts';
import { sweepPayload } from '../test/sweepPayload';
import { configure, newPanel, timedRender } from './render-entry';
import type { TrainCurvesPanel } from '../src/widget';

let kept: TrainCurvesPanel | null = null;

/** A sweep payload of `count` runs, made in the page. */
function makeSweep(count: number): unknown {
  return sweepPayload({ count });
}

/** Milliseconds from renderModel to painted; the panel stays for hovering. */
async function renderSweep(payload: unknown): Promise<number> {
  kept?.dispose();
  configure({});
  kept = newPanel();
  return timedRender(kept, payload);
}

/**
 * Times of the page's mouse moves: from the event's arrival to the end of
 * the next frame, when ECharts has painted what the move changed.
 */
function listenMoves(): void {
  const times: number[] = [];
  document.addEventListener(
    'mousemove',
    () => {
      const start = performance.now();
      requestAnimationFrame(() =>
        setTimeout(() => times.push(performance.now() - start), 0)
      );
    },
    { capture: true }
  );
  Object.assign(window, { moveTimes: times });
}

Object.assign(window, { makeSweep, renderSweep, listenMoves, loadECharts });
