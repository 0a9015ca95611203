/**
 * Chart colours read from JupyterLab's CSS variables, so a panel follows the
 * light or dark theme. Our own series colours are CSS variables too
 * (style/base.css), with dark-theme values.
 */

export interface Theme {
  background: string;
  text: string;
  textMuted: string;
  axis: string;
  grid: string;
  fontFamily: string;
  train: string;
  validation: string;
  test: string;
  best: string;
  bad: string;
  warn: string;
  tooltipBackground: string;
  /** One colour per run when a panel compares runs. */
  runPalette: string[];
}

export const LIGHT_THEME: Theme = {
  background: '#ffffff',
  text: 'rgba(0, 0, 0, 0.87)',
  textMuted: 'rgba(0, 0, 0, 0.54)',
  axis: '#bdbdbd',
  grid: '#eeeeee',
  fontFamily: 'system-ui, sans-serif',
  train: '#1f77b4',
  validation: '#e6550d',
  test: '#2ca02c',
  best: '#2ca02c',
  bad: '#d62728',
  warn: '#f0a020',
  tooltipBackground: '#ffffff',
  // Tableau 10: distinct hues that read on light and dark backgrounds.
  runPalette: [
    '#4e79a7',
    '#f28e2b',
    '#e15759',
    '#76b7b2',
    '#59a14f',
    '#edc948',
    '#b07aa1',
    '#ff9da7',
    '#9c755f',
    '#bab0ac'
  ]
};

const VARIABLES: Record<Exclude<keyof Theme, 'runPalette'>, string> = {
  background: '--jp-layout-color0',
  text: '--jp-ui-font-color1',
  textMuted: '--jp-ui-font-color2',
  axis: '--jp-border-color1',
  grid: '--jp-border-color3',
  fontFamily: '--jp-ui-font-family',
  train: '--tc-color-train',
  validation: '--tc-color-validation',
  test: '--tc-color-test',
  best: '--tc-color-best',
  bad: '--tc-color-bad',
  warn: '--tc-color-warn',
  tooltipBackground: '--jp-layout-color1'
};

/** The theme in effect for `node`, falling back to light colours. */
export function readTheme(node: Element): Theme {
  const style = getComputedStyle(node);
  const theme = { ...LIGHT_THEME };
  for (const key of Object.keys(VARIABLES) as (keyof typeof VARIABLES)[]) {
    const value = style.getPropertyValue(VARIABLES[key]).trim();
    if (value) {
      theme[key] = value;
    }
  }
  return theme;
}
