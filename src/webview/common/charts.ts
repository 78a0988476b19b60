/**
 * Chart.js, registered with only what the two panels draw (line charts on
 * linear axes, the filled area under the run's power, tooltips, a legend,
 * min-max decimation) so the bundle stays
 * small, and coloured from the VS Code theme so light, dark and high-contrast
 * themes all read well.
 */
import { Chart, Decimation, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Legend, Decimation, Filler);

export { Chart };

/**
 * Options both charts share, for long series: data handed over already as
 * {x, y} numbers in order (what the min-max decimation plugin requires), no
 * animation, and a size taken from the container.
 */
export const LARGE_SERIES_OPTIONS = {
  parsing: false,
  normalized: true,
  animation: false,
  responsive: true,
  maintainAspectRatio: false,
} as const;

export interface ThemeColors {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  green: string;
  red: string;
  blue: string;
  orange: string;
  purple: string;
  yellow: string;
  fontFamily: string;
  fontSize: number;
  highContrast: boolean;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

/** Reads the theme's colours; call again when the theme changes. */
export function readTheme(): ThemeColors {
  const style = getComputedStyle(document.body);
  const foreground = cssVar(style, '--vscode-foreground', '#616161');
  const highContrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  return {
    foreground,
    muted: cssVar(style, '--vscode-descriptionForeground', foreground),
    // High-contrast themes define a contrast border; elsewhere a faint grid is enough.
    grid: highContrast ? cssVar(style, '--vscode-contrastBorder', foreground) : cssVar(style, '--vscode-widget-border', 'rgba(128, 128, 128, 0.25)'),
    background: cssVar(style, '--vscode-editor-background', '#ffffff'),
    green: cssVar(style, '--vscode-charts-green', '#388a34'),
    red: cssVar(style, '--vscode-charts-red', '#e51400'),
    blue: cssVar(style, '--vscode-charts-blue', '#1a85ff'),
    orange: cssVar(style, '--vscode-charts-orange', '#d18616'),
    purple: cssVar(style, '--vscode-charts-purple', '#652d90'),
    yellow: cssVar(style, '--vscode-charts-yellow', '#bf8803'),
    fontFamily: cssVar(style, '--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.parseFloat(cssVar(style, '--vscode-font-size', '13')) || 13,
    highContrast,
  };
}

/** Applies the theme to Chart.js's defaults, which every chart created afterwards inherits. */
export function applyThemeDefaults(theme: ThemeColors): void {
  Chart.defaults.color = theme.muted;
  Chart.defaults.borderColor = theme.grid;
  Chart.defaults.font.family = theme.fontFamily;
  Chart.defaults.font.size = Math.max(10, theme.fontSize - 2);
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  // Slightly see-through: in a 150-pixel sidebar chart the box covers much of the plot.
  Chart.defaults.plugins.tooltip.backgroundColor = withAlpha(theme.background, 0.9);
  Chart.defaults.plugins.tooltip.padding = 6;
  Chart.defaults.plugins.tooltip.titleColor = theme.foreground;
  Chart.defaults.plugins.tooltip.bodyColor = theme.foreground;
  Chart.defaults.plugins.tooltip.borderColor = theme.grid;
  Chart.defaults.plugins.tooltip.borderWidth = 1;
}

/**
 * Calls `onChange` with the new colours when VS Code switches theme (it
 * changes the body's class and the CSS variables on the root element).
 */
export function watchTheme(onChange: (theme: ThemeColors) => void): void {
  let last = JSON.stringify(readTheme());
  const observer = new MutationObserver(() => {
    const theme = readTheme();
    const key = JSON.stringify(theme);
    if (key === last) return;
    last = key;
    applyThemeDefaults(theme);
    onChange(theme);
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}

/** Re-colours a chart's scales after a theme change (datasets are re-coloured by their owners). */
export function recolorScales(chart: Chart, theme: ThemeColors): void {
  for (const scale of Object.values(chart.options.scales ?? {})) {
    if (!scale) continue;
    if (scale.ticks) scale.ticks.color = theme.muted;
    if (scale.grid) scale.grid.color = theme.grid;
    const title = (scale as { title?: { color?: string } }).title;
    if (title) title.color = theme.muted;
  }
  const legend = chart.options.plugins?.legend;
  if (legend?.labels) legend.labels.color = theme.foreground;
  const tooltip = chart.options.plugins?.tooltip;
  if (tooltip) {
    tooltip.backgroundColor = withAlpha(theme.background, 0.9);
    tooltip.titleColor = theme.foreground;
    tooltip.bodyColor = theme.foreground;
    tooltip.borderColor = theme.grid;
  }
}

/** Colour with transparency, for fills under a line: accepts #rgb, #rrggbb and rgb()/rgba(). */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})([0-9a-f]{2})?$/i.exec(color.trim());
  if (hex) {
    let h = hex[1];
    if (h.length === 3) h = h.replace(/./g, (c) => c + c);
    const n = Number.parseInt(h, 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^,]+),([^,]+),([^,)]+)/i.exec(color.trim());
  if (rgb) return `rgba(${rgb[1].trim()}, ${rgb[2].trim()}, ${rgb[3].trim()}, ${alpha})`;
  return color;
}
