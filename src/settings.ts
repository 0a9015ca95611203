/** The user settings of schema/settings/plugin.json, with their defaults. */

export type XAxisMode = 'epoch' | 'step' | 'time';

export interface PanelSettings {
  chartHeight: number;
  animation: boolean;
  /** Default smoothing weight, 0 (raw) to 0.99. */
  smoothing: number;
  xAxis: XAxisMode;
  logY: boolean;
  /** Points per series drawn before ECharts samples the line down. */
  maxPoints: number;
  diagnosis: boolean;
}

export const DEFAULT_SETTINGS: PanelSettings = {
  chartHeight: 280,
  animation: true,
  smoothing: 0,
  xAxis: 'epoch',
  logY: false,
  maxPoints: 2000,
  diagnosis: true
};

function number(value: unknown, min: number, max: number, fallback: number) {
  return typeof value === 'number' && value >= min && value <= max
    ? value
    : fallback;
}

function flag(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/** Settings from the registry, each falling back to its default. */
export function readSettings(
  composite: Record<string, unknown>
): PanelSettings {
  const d = DEFAULT_SETTINGS;
  const xAxis = composite.xAxis;
  return {
    chartHeight: number(composite.chartHeight, 120, 2000, d.chartHeight),
    animation: flag(composite.animation, d.animation),
    smoothing: number(composite.smoothing, 0, 0.99, d.smoothing),
    xAxis:
      xAxis === 'step' || xAxis === 'time' || xAxis === 'epoch'
        ? xAxis
        : d.xAxis,
    logY: flag(composite.logY, d.logY),
    maxPoints: number(composite.maxPoints, 100, 1000000, d.maxPoints),
    diagnosis: flag(composite.diagnosis, d.diagnosis)
  };
}
