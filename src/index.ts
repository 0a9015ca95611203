/**
 * Plugin wiring: register the renderer for our MIME type, and hand it the
 * settings and theme changes (a pure mime extension gets no app services).
 */

import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IThemeManager } from '@jupyterlab/apputils';
import { IConsoleTracker } from '@jupyterlab/console';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { watchKernel } from './kernels';
import { notebookRunFinder } from './notebook';
import { MIME_TYPE } from './payload';
import { reattachPanels } from './reattach';
import { readSettings } from './settings';
import { TrainCurvesPanel } from './widget';

export { MIME_TYPE } from './payload';

export const rendererFactory: IRenderMime.IRendererFactory = {
  // Panels are plain data drawn as text and charts, never HTML from the
  // payload, so they render in untrusted notebooks too.
  safe: true,
  mimeTypes: [MIME_TYPE],
  defaultRank: 40,
  createRenderer: options => new TrainCurvesPanel(options)
};

const PLUGIN_ID = 'jupyterlab-traincurves:plugin';

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Interactive training curves for traincurves outputs.',
  autoStart: true,
  requires: [IRenderMimeRegistry],
  optional: [
    ISettingRegistry,
    IThemeManager,
    INotebookTracker,
    IConsoleTracker
  ],
  activate: (
    _app: JupyterFrontEnd,
    rendermime: IRenderMimeRegistry,
    settingRegistry: ISettingRegistry | null,
    themeManager: IThemeManager | null,
    notebooks: INotebookTracker | null,
    consoles: IConsoleTracker | null
  ) => {
    rendermime.addFactory(rendererFactory, 40);
    if (notebooks) {
      TrainCurvesPanel.findRuns = notebookRunFinder(notebooks);
      // A reloaded page picks up the live panels of cells still running.
      reattachPanels(notebooks, NotebookActions.executionScheduled, consoles);
    }
    // Follow each kernel from the start: a panel must know whether the
    // kernel that sends its updates is still the one running.
    for (const tracker of [notebooks, consoles]) {
      tracker?.forEach(panel => watchKernel(panel.sessionContext));
      tracker?.widgetAdded.connect((_, panel) =>
        watchKernel(panel.sessionContext)
      );
    }
    themeManager?.themeChanged.connect(() => {
      // The new theme's CSS variables apply on the next frame.
      requestAnimationFrame(() => TrainCurvesPanel.refreshTheme());
    });
    settingRegistry
      ?.load(PLUGIN_ID)
      .then(settings => {
        const apply = () =>
          TrainCurvesPanel.configure(readSettings(settings.composite));
        apply();
        settings.changed.connect(apply);
      })
      .catch(reason =>
        console.error('traincurves: could not load settings', reason)
      );
  }
};

export default plugin;
