/**
 * @jest-environment jsdom
 */
import { Signal } from '@lumino/signaling';

import { CompareMenu } from '../src/compareMenu';
import type { NotebookRuns } from '../src/notebook';
import { RunPayload, validatePayload } from '../src/payload';
import { historyFixture } from './fixtures';

function fixtureRun(stem: string, id: string): RunPayload {
  const run = validatePayload(historyFixture(stem).payload).runs[0];
  return { ...run, id };
}

const nextFrame = () => new Promise(resolve => requestAnimationFrame(resolve));

function setup(found: () => NotebookRuns | null, own: RunPayload[]) {
  const changed = jest.fn();
  const menu = new CompareMenu({ find: found, own: () => own, changed });
  const open = () => {
    menu.node.open = true;
    menu.node.dispatchEvent(new Event('toggle'));
  };
  const labels = () => [...menu.node.querySelectorAll('label')];
  return { menu, changed, open, labels };
}

describe('CompareMenu', () => {
  const own = fixtureRun('basic', 'own');
  const other = fixtureRun('custom_metrics', 'other');

  it('is a menu of the other runs of the notebook', () => {
    const notebook = {
      runs: [own, other],
      changed: new Signal<unknown, void>({})
    };
    const { menu, open, labels } = setup(() => notebook, [own]);
    expect(menu.node.className).toBe('tc-menu tc-compare');
    expect(menu.node.querySelector('summary')!.textContent).toBe('Compare');
    expect(labels()).toHaveLength(0); // filled when opened
    open();
    expect(menu.node.querySelector('.tc-compare-list')!.children.length).toBe(
      1
    );
    const [label] = labels();
    expect(label.querySelector('.tc-compare-name')!.textContent).toBe(
      other.name
    );
    expect(label.querySelector('.tc-compare-detail')!.textContent).toBe(
      `finished, ${other.epochCount} epochs`
    );
    expect(label.querySelector('input')!.checked).toBe(false);
  });

  it('says why it lists nothing', () => {
    const alone = setup(
      () => ({ runs: [own], changed: new Signal<unknown, void>({}) }),
      [own]
    );
    alone.open();
    expect(
      alone.menu.node.querySelector('.tc-compare-empty')!.textContent
    ).toBe('No other traincurves runs in this notebook.');
    const outside = setup(() => null, [own]);
    outside.open();
    expect(
      outside.menu.node.querySelector('.tc-compare-empty')!.textContent
    ).toBe('Other runs are listed when the panel is in a notebook.');
  });

  it('overlays the runs picked, with their latest data', async () => {
    const notebook = {
      runs: [own, other],
      changed: new Signal<unknown, void>({})
    };
    const { menu, changed, open, labels } = setup(() => notebook, [own]);
    expect(menu.overlays()).toEqual([]);
    open();
    const box = labels()[0].querySelector('input')!;
    box.checked = true;
    box.dispatchEvent(new Event('change'));
    expect(changed).toHaveBeenCalledTimes(1);
    expect(menu.overlays()).toEqual([other]);

    // Its output changes: followed, one redraw a frame.
    const longer = { ...other, epochCount: other.epochCount + 1 };
    notebook.runs = [own, longer];
    notebook.changed.emit(undefined);
    notebook.changed.emit(undefined);
    await nextFrame();
    expect(changed).toHaveBeenCalledTimes(2);
    expect(menu.overlays()).toEqual([longer]);

    // Reopened: still ticked.
    open();
    expect(labels()[0].querySelector('input')!.checked).toBe(true);
    box.checked = false;
    box.dispatchEvent(new Event('change'));
    expect(menu.overlays()).toEqual([]);
    notebook.changed.emit(undefined);
    await nextFrame();
    expect(changed).toHaveBeenCalledTimes(3); // no longer followed
  });

  it('stops following the notebook when disposed', async () => {
    const notebook = {
      runs: [own, other],
      changed: new Signal<unknown, void>({})
    };
    const { menu, changed, open, labels } = setup(() => notebook, [own]);
    open();
    const box = labels()[0].querySelector('input')!;
    box.checked = true;
    box.dispatchEvent(new Event('change'));
    notebook.changed.emit(undefined);
    menu.dispose();
    notebook.changed.emit(undefined);
    await nextFrame();
    expect(changed).toHaveBeenCalledTimes(1);
  });
});
