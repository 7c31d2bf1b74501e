// ECharts with only the parts npsdesk draws, on the SVG renderer (crisp on projectors, CSP-friendly).
import * as echarts from 'echarts/core';
import { BarChart, LineChart, CustomChart, ScatterChart, HeatmapChart } from 'echarts/charts';
import type {
  BarSeriesOption,
  LineSeriesOption,
  CustomSeriesOption,
  ScatterSeriesOption,
  HeatmapSeriesOption,
} from 'echarts/charts';
import {
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  MarkLineComponent,
  VisualMapContinuousComponent,
} from 'echarts/components';
import type {
  GridComponentOption,
  TooltipComponentOption,
  LegendComponentOption,
  TitleComponentOption,
  MarkLineComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  CustomChart,
  ScatterChart,
  HeatmapChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  MarkLineComponent,
  VisualMapContinuousComponent,
  SVGRenderer,
]);

export type EChartsOption = echarts.ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | CustomSeriesOption
  | ScatterSeriesOption
  | HeatmapSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | TitleComponentOption
  | MarkLineComponentOption
  | VisualMapComponentOption
>;

export { echarts };
