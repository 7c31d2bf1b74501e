// Light or dark: the system's preference unless Settings says otherwise. Marks <html data-appearance> for the CSS
// variables, and gives the chart (which can't read CSS variables) its palette.
import { DARK_PALETTE, LIGHT_PALETTE, type ChartPalette } from '../charts/palette';
import { settings } from './settings.svelte';

const QUERY = '(prefers-color-scheme: dark)';

class ColorScheme {
  /** What the system prefers. */
  systemDark = $state(false);

  constructor() {
    if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return;
    const mq = window.matchMedia(QUERY);
    this.systemDark = mq.matches;
    const update = (e: MediaQueryListEvent) => {
      this.systemDark = e.matches;
    };
    if (typeof mq.addEventListener === 'function') mq.addEventListener('change', update);
  }

  get dark(): boolean {
    const a = settings.value.appearance;
    return a === 'dark' || (a === 'system' && this.systemDark);
  }

  get palette(): ChartPalette {
    return this.dark ? DARK_PALETTE : LIGHT_PALETTE;
  }
}

export const colorScheme = new ColorScheme();

/** Keeps `<html data-appearance>` in step with the scheme; call once from the root component. */
export function applyColorScheme(): void {
  $effect(() => {
    document.documentElement.dataset['appearance'] = colorScheme.dark ? 'dark' : 'light';
  });
}
