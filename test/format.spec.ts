import { escapeHTML, formatEpoch, formatValue } from '../src/format';

describe('formatting', () => {
  it.each([
    [0.123456, '0.1235'],
    [12.5, '12.5'],
    [0, '0'],
    [0.00001234, '1.23e-5'],
    [123456, '1.23e+5'],
    [null, '–']
  ])('formats %p as %s', (value, text) => {
    expect(formatValue(value)).toBe(text);
  });

  it('shows epochs as integers and batch positions to a tenth', () => {
    expect(formatEpoch(12)).toBe('12');
    expect(formatEpoch(1.1118607954545454)).toBe('1.1');
  });

  it('escapes every HTML-special character', () => {
    expect(escapeHTML('<img src=x onerror="a(\'b\')">&')).toBe(
      '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;'
    );
  });
});
