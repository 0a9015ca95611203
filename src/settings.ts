/** The user settings of schema/plugin.json, with their defaults. */

export interface PanelSettings {
  chartHeight: number;
  animation: boolean;
}

export const DEFAULT_SETTINGS: PanelSettings = {
  chartHeight: 280,
  animation: true
};

/** Settings from the registry, each falling back to its default. */
export function readSettings(
  composite: Record<string, unknown>
): PanelSettings {
  const height = composite.chartHeight;
  return {
    chartHeight:
      typeof height === 'number' && height >= 120 && height <= 2000
        ? height
        : DEFAULT_SETTINGS.chartHeight,
    animation:
      typeof composite.animation === 'boolean'
        ? composite.animation
        : DEFAULT_SETTINGS.animation
  };
}
