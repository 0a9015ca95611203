import { validatePayload } from '../src/payload';
import {
  readZoom,
  withWindow,
  xExtent,
  zoomAfterUpdate,
  zoomLabel
} from '../src/zoom';
import { historyFixture } from './fixtures';

describe('zoom across updates', () => {
  const zoomed = { start: 20, end: 60, startValue: 3, endValue: 7 };

  it('shows everything when the user has not zoomed', () => {
    expect(zoomAfterUpdate(null, 12)).toBeNull();
    expect(
      zoomAfterUpdate({ start: 0, end: 100, startValue: 1, endValue: 9 }, 12)
    ).toBeNull();
  });

  it('keeps a window in the middle on the same epochs', () => {
    expect(zoomAfterUpdate(zoomed, 30)).toEqual({ startValue: 3, endValue: 7 });
  });

  it('lets a window at the right end follow new epochs', () => {
    expect(zoomAfterUpdate({ ...zoomed, end: 100 }, 30)).toEqual({
      startValue: 3,
      endValue: 30
    });
  });

  it('reads the window ECharts reports in percent as epochs', () => {
    expect(readZoom([{ start: 20, end: 60 }, {}], [1, 11])).toEqual({
      start: 20,
      end: 60,
      startValue: 3,
      endValue: 7
    });
    expect(readZoom([{}], [1, 11])).toBeNull();
    expect(readZoom(undefined, [1, 11])).toBeNull();
  });

  it('finds the x extent among epochs and batch points', () => {
    const payload = validatePayload(
      historyFixture('early_stop_batches').payload
    );
    expect(xExtent(payload)).toEqual([0.25, 6]);
    expect(xExtent(validatePayload(historyFixture('basic').payload))).toEqual([
      1, 12
    ]);
  });

  it('sets the window on every data zoom of an option', () => {
    const option = { dataZoom: [{ type: 'inside' }, { type: 'slider' }] };
    expect(withWindow(option, null)).toBe(option);
    expect(withWindow(option, { startValue: 3, endValue: 7 })).toEqual({
      dataZoom: [
        { type: 'inside', startValue: 3, endValue: 7 },
        { type: 'slider', startValue: 3, endValue: 7 }
      ]
    });
    expect(option.dataZoom[0]).toEqual({ type: 'inside' });
    expect(withWindow({}, { startValue: 3, endValue: 7 })).toEqual({});
  });

  it('labels a window, and nothing when all is shown', () => {
    expect(zoomLabel(zoomed)).toBe('3.00-7.00');
    expect(zoomLabel({ ...zoomed, start: 0, end: 100 })).toBeNull();
    expect(zoomLabel(null)).toBeNull();
  });
});
