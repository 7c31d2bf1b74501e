// Follows the system's light/dark preference, for the parts that can't read CSS variables (the chart).
import { DARK_PALETTE, LIGHT_PALETTE, type ChartPalette } from '../charts/palette';

const QUERY = '(prefers-color-scheme: dark)';

class ColorScheme {
  dark = $state(false);

  constructor() {
    if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return;
    const mq = window.matchMedia(QUERY);
    this.dark = mq.matches;
    const update = (e: MediaQueryListEvent) => {
      this.dark = e.matches;
    };
    if (typeof mq.addEventListener === 'function') mq.addEventListener('change', update);
  }

  get palette(): ChartPalette {
    return this.dark ? DARK_PALETTE : LIGHT_PALETTE;
  }
}

export const colorScheme = new ColorScheme();
