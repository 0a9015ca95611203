/**
 * @jest-environment jsdom
 */
import { exportFile, pictureFrame, titleText } from '../src/export';
import { validatePayload } from '../src/payload';
import { renderRowTitle } from '../src/layers';
import { distributionRows } from '../src/distributions';
import { historyFixture } from './fixtures';

function box(left: number, top: number, width: number, height: number) {
  return {
    left,
    top,
    width,
    height,
    right: left + width,
    bottom: top + height
  };
}

describe('the picture', () => {
  it('spans every part that has a size', () => {
    expect(
      pictureFrame([box(10, 20, 400, 280), box(420, 20, 400, 280)])
    ).toEqual(box(10, 20, 810, 280));
    // A collapsed row or a chart not drawn yet has an empty box.
    expect(
      pictureFrame([box(10, 20, 400, 280), box(0, 0, 0, 0), box(5, 900, 0, 12)])
    ).toEqual(box(10, 20, 400, 280));
    expect(pictureFrame([box(0, 0, 0, 0)])).toBeNull();
    expect(pictureFrame([])).toBeNull();
  });

  it("writes a layer's title with its parts apart", () => {
    const run = validatePayload(historyFixture('distributions').payload)
      .runs[0];
    const title = document.createElement('div');
    title.append(...renderRowTitle(distributionRows([run])[3]));
    expect(titleText(title)).toBe(
      'hidden/kernel   weights   epoch 6 · 8.33 % zeros · 12 values'
    );
    const plain = document.createElement('div');
    plain.textContent = 'dense';
    expect(titleText(plain)).toBe('dense');
  });
});

describe('exportFile', () => {
  const payload = validatePayload(historyFixture('basic').payload);
  let downloads: { name: string; href: string }[] = [];
  const keep = (event: Event) => {
    const link = event.target as HTMLAnchorElement;
    downloads.push({ name: link.download, href: link.href });
    event.preventDefault(); // jsdom does not navigate
  };

  beforeEach(() => {
    downloads = [];
    URL.createObjectURL = jest.fn(() => 'blob:traincurves');
    URL.revokeObjectURL = jest.fn();
    document.addEventListener('click', keep);
  });
  afterEach(() => document.removeEventListener('click', keep));

  it('downloads the data as CSV or JSON, named after the run', async () => {
    const picture = jest.fn(() => Promise.resolve(null));
    await exportFile('csv', 'my run', payload, picture);
    await exportFile('json', 'my run', payload, picture);
    expect(downloads).toEqual([
      { name: 'traincurves-my-run.csv', href: 'blob:traincurves' },
      { name: 'traincurves-my-run.json', href: 'blob:traincurves' }
    ]);
    const blobs = (URL.createObjectURL as jest.Mock).mock.calls.map(
      ([blob]) => (blob as Blob).type
    );
    expect(blobs).toEqual(['text/csv', 'application/json']);
    expect(picture).not.toHaveBeenCalled();
  });

  it('draws the picture only for PNG, and no file without one', async () => {
    await exportFile('png', 'comparison', payload, () => Promise.resolve(null));
    expect(downloads).toEqual([]);
    const png = new Blob(['png'], { type: 'image/png' });
    await exportFile('png', 'comparison', payload, () => Promise.resolve(png));
    expect(downloads).toEqual([
      { name: 'traincurves-comparison.png', href: 'blob:traincurves' }
    ]);
  });
});
