/**
 * The panel toolbar: smoothing, log y, x axis, per-epoch change, batch
 * curves, export, and a slot for the Compare menu (compareMenu.ts). Plain
 * DOM; the widget owns the state.
 */

import type { ExportFormat } from './export';
import type { ChartSpec, Controls } from './options';
import type { ChartPlan, Payload } from './payload';
import { xAxisProblem } from './transform';
import type { PanelSettings, XAxisMode } from './settings';

/** A new panel's controls start from the settings. */
export function controlsFrom(settings: PanelSettings): Controls {
  return {
    smoothing: settings.smoothing,
    logY: settings.logY,
    xAxis: settings.xAxis,
    delta: false,
    batches: true,
    charts: {}
  };
}

export interface ToolbarHandlers {
  change: (controls: Controls) => void;
  export: (format: ExportFormat) => void;
}

export interface Toolbar {
  node: HTMLElement;
  /** Where the Compare menu goes. */
  compareSlot: HTMLElement;
  /** Reflect what the data allows: disabled choices say why. */
  update(state: {
    controls: Controls;
    logProblem: string | null;
    xProblems: Record<XAxisMode, string | null>;
    hasBatches: boolean;
    /** The panel's charts, for the chart picker. */
    charts: ChartChoice[];
  }): void;
}

/** What the toolbar reflects of a panel's data and its drawn charts. */
export function toolbarState(
  payload: Payload,
  controls: Controls,
  specs: ChartSpec[],
  choices: { plan: ChartPlan; visible: boolean }[]
): Parameters<Toolbar['update']>[0] {
  return {
    controls,
    logProblem: specs.find(spec => spec.logProblem)?.logProblem ?? null,
    xProblems: {
      epoch: null,
      step: xAxisProblem(payload.runs, 'step'),
      time: xAxisProblem(payload.runs, 'time')
    },
    hasBatches: payload.runs.some(run => run.batches !== null),
    charts: choices.map(({ plan, visible }) => ({
      family: plan.family,
      title: plan.title,
      visible,
      group: plan.group
    }))
  };
}

export interface ChartChoice {
  family: string;
  title: string;
  visible: boolean;
  group: string | null;
}

function labelled(
  text: string,
  input: HTMLElement,
  className: string
): HTMLLabelElement {
  const label = document.createElement('label');
  label.className = `tc-control ${className}`;
  const span = document.createElement('span');
  span.textContent = text;
  label.append(input, span);
  return label;
}

export function createToolbar(initial: Controls, on: ToolbarHandlers): Toolbar {
  let controls = { ...initial };
  const node = document.createElement('div');
  node.className = 'tc-toolbar';
  const emit = () => on.change({ ...controls });

  const slider = document.createElement('input');
  slider.type = 'range';
  slider.min = '0';
  slider.max = '0.99';
  slider.step = '0.01';
  slider.value = String(controls.smoothing);
  slider.className = 'tc-smoothing-input';
  slider.setAttribute('aria-label', 'Smoothing');
  const shownWeight = document.createElement('output');
  shownWeight.className = 'tc-smoothing-value';
  shownWeight.textContent = controls.smoothing.toFixed(2);
  slider.addEventListener('input', () => {
    controls.smoothing = Number(slider.value);
    shownWeight.textContent = controls.smoothing.toFixed(2);
    emit();
  });
  const smoothing = document.createElement('label');
  smoothing.className = 'tc-control tc-smoothing';
  const smoothingText = document.createElement('span');
  smoothingText.textContent = 'smoothing';
  smoothing.append(smoothingText, slider, shownWeight);

  /** A checkbox bound to one boolean control. */
  const toggle = (
    key: 'logY' | 'delta' | 'batches',
    text: string,
    name: string
  ): [HTMLInputElement, HTMLLabelElement] => {
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = controls[key];
    box.className = `tc-${name}-input`;
    box.addEventListener('change', () => {
      controls[key] = box.checked;
      emit();
    });
    return [box, labelled(text, box, `tc-${name}`)];
  };
  const [log, logLabel] = toggle('logY', 'log y', 'logy');

  const axis = document.createElement('select');
  axis.className = 'tc-xaxis-input';
  axis.setAttribute('aria-label', 'x axis');
  const modes: XAxisMode[] = ['epoch', 'step', 'time'];
  for (const mode of modes) {
    const option = document.createElement('option');
    option.value = mode;
    option.textContent = mode === 'time' ? 'x: time' : `x: ${mode}`;
    axis.append(option);
  }
  axis.value = controls.xAxis;
  axis.addEventListener('change', () => {
    controls.xAxis = axis.value as XAxisMode;
    emit();
  });

  const [, deltaLabel] = toggle('delta', 'Δ per epoch', 'delta');
  const [, batchesLabel] = toggle('batches', 'batches', 'batches');

  const exportMenu = document.createElement('details');
  exportMenu.className = 'tc-menu tc-export';
  const exportSummary = document.createElement('summary');
  exportSummary.textContent = 'Export';
  const exportList = document.createElement('div');
  exportList.className = 'tc-menu-list';
  for (const format of ['png', 'csv', 'json'] as const) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `tc-export-${format}`;
    button.textContent =
      format === 'png' ? 'PNG image' : `${format.toUpperCase()} data`;
    button.addEventListener('click', () => {
      exportMenu.open = false;
      on.export(format);
    });
    exportList.append(button);
  }
  exportMenu.append(exportSummary, exportList);

  // The chart picker: which charts are drawn (view state, not data). Only
  // for panels with more charts than are drawn at first, or a choice made.
  const picker = document.createElement('details');
  picker.className = 'tc-menu tc-picker';
  const pickerSummary = document.createElement('summary');
  const pickerList = document.createElement('div');
  pickerList.className = 'tc-menu-list';
  picker.append(pickerSummary, pickerList);
  let listed = '';
  const showPicker = (charts: ChartChoice[]) => {
    picker.hidden =
      Object.keys(controls.charts).length === 0 && charts.every(c => c.visible);
    const drawn = charts.filter(c => c.visible).length;
    pickerSummary.textContent = `Charts ${drawn}/${charts.length}`;
    const key = JSON.stringify(charts);
    if (key === listed) {
      return;
    }
    listed = key;
    pickerList.replaceChildren();
    for (const chart of charts) {
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = chart.visible;
      box.className = 'tc-picker-input';
      box.dataset.family = chart.family;
      box.addEventListener('change', () => {
        controls.charts = { ...controls.charts, [chart.family]: box.checked };
        emit();
      });
      const label = labelled(chart.title, box, 'tc-picker-item');
      if (chart.group) {
        label.dataset.group = chart.group;
      }
      pickerList.append(label);
    }
  };

  const hint = document.createElement('span');
  hint.className = 'tc-hint';
  const compareSlot = document.createElement('span');
  // Menus first: their lists open to the right, inside the panel.
  node.append(
    compareSlot,
    picker,
    exportMenu,
    smoothing,
    logLabel,
    axis,
    deltaLabel,
    batchesLabel,
    hint
  );

  return {
    node,
    compareSlot,
    update(state) {
      controls = { ...state.controls };
      log.disabled = state.logProblem !== null;
      logLabel.title = state.logProblem ?? 'Logarithmic y axis';
      hint.textContent =
        controls.logY && state.logProblem ? state.logProblem : '';
      for (const option of Array.from(axis.options)) {
        const problem = state.xProblems[option.value as XAxisMode];
        option.disabled = problem !== null;
        option.title = problem ?? '';
      }
      batchesLabel.hidden = !state.hasBatches;
      showPicker(state.charts);
    }
  };
}
