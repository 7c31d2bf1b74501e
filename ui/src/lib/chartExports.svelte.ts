// Which chart the user asked to save (a chart card's save button sets it; the window shows the export dialog).
import type { EChartsOption } from '../charts/echarts';

export type ChartRequest = {
  /** For the file name and the dialog title, e.g. "NPS by quarter". */
  name: string;
  /** The chart's option for export (light palette, no animation), built when asked. */
  option: () => EChartsOption;
};

class ChartExports {
  request = $state<ChartRequest | null>(null);
  /** The footnote of the selection on screen (set by the window). */
  footnote: () => string = () => '';
}

export const chartExports = new ChartExports();
