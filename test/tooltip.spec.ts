import { formatTooltip } from '../src/tooltip';

describe('formatTooltip', () => {
  const none = () => undefined;

  it('lists every series at the hovered epoch', () => {
    const html = formatTooltip(
      [
        { seriesId: 'a', seriesName: 'loss', color: '#111', value: [3, 0.25] },
        {
          seriesId: 'b',
          seriesName: 'val_loss',
          color: '#222',
          value: [3, 0.3125]
        }
      ],
      none
    );
    expect(html).toContain('epoch 3');
    expect(html).toContain('<span class="tc-tooltip-name">loss</span>');
    expect(html).toContain('<span class="tc-tooltip-value">0.3125</span>');
  });

  it('escapes hostile names', () => {
    const html = formatTooltip(
      [
        {
          seriesId: 'a',
          seriesName: '<img src=x onerror="window.__pwned=1">',
          color: '"><script>',
          value: [1, 1]
        }
      ],
      none
    );
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).toContain(
      '&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;'
    );
  });

  it('says nan where the value was not finite', () => {
    const html = formatTooltip(
      [{ seriesId: 'a', seriesName: 'loss', value: [5, NaN] }],
      (id, epoch) => (id === 'a' && epoch === 5 ? 'nan' : undefined)
    );
    expect(html).toContain('<span class="tc-tooltip-bad">nan</span>');
  });
});
