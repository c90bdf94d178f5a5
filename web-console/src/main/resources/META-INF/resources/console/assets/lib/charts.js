// Live time-series charts on uPlot (served from the uplot webjar), loaded only by the views that draw charts.

let loading;

function loadUPlot() {
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const css = document.createElement('link');
      css.rel = 'stylesheet';
      css.href = '/webjars/uplot/dist/uPlot.min.css';
      document.head.appendChild(css);
      const script = document.createElement('script');
      script.src = '/webjars/uplot/dist/uPlot.iife.min.js';
      script.onload = () => resolve(window.uPlot);
      script.onerror = () => { loading = undefined; reject(new Error('Could not load the chart library')); };
      document.head.appendChild(script);
    });
  }
  return loading;
}

const PALETTE = ['--chart-1', '--chart-2', '--chart-3', '--chart-4'];

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/**
 * A chart of values sampled over time, keeping the last `windowSeconds`. series: [{ label }]; format turns a
 * value into its axis and legend text. push(epochSeconds, [v1, v2, ...]) adds a sample; destroy() removes it.
 */
export class LiveChart {
  static async create(el, { title, series, format = v => String(v), windowSeconds = 300, height = 180 }) {
    const uPlot = await loadUPlot();
    return new LiveChart(uPlot, el, { title, series, format, windowSeconds, height });
  }

  constructor(uPlot, el, { title, series, format, windowSeconds, height }) {
    Object.assign(this, { uPlot, el, title, series, format, windowSeconds, height });
    this.data = [[], ...series.map(() => [])];
    this.draw();
    this.resize = new ResizeObserver(() => this.plot.setSize({ width: this.width(), height }));
    this.resize.observe(el);
    // Colours come from the theme's CSS variables when the plot is made: draw again, data kept, on a switch.
    this.onTheme = () => { this.plot.destroy(); this.draw(); };
    window.addEventListener('themechange', this.onTheme);
  }

  timeRange() {
    const xs = this.data[0];
    if (xs.length === 0) {
      const now = Date.now() / 1000;
      return [now - 30, now];
    }
    const newest = xs[xs.length - 1];
    return [Math.min(xs[0], newest - 30), newest];
  }

  /** The element's content width: the plot must not spill over its padding. */
  width() {
    const style = getComputedStyle(this.el);
    return Math.max(160, Math.floor(this.el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)));
  }

  draw() {
    const { format, height } = this;
    const axisColor = cssVar('--muted');
    const grid = { stroke: cssVar('--border'), width: 1 };
    const fmt = (u, v) => (v === null || v === undefined ? '–' : format(v));
    this.plot = new this.uPlot({
      title: this.title,
      width: this.width(),
      height,
      series: [{}, ...this.series.map((s, i) => ({ label: s.label, stroke: cssVar(PALETTE[i % PALETTE.length]), width: 2, value: fmt }))],
      axes: [
        { stroke: axisColor, grid, ticks: grid },
        { stroke: axisColor, grid, ticks: grid, size: 86, values: (u, vals) => vals.map(v => format(v)) },
      ],
      // The time axis spans the samples kept, at least the last 30 s: uPlot alone would stretch a single
      // sample's axis over years (it pads one point by 86400 of its time unit, milliseconds, on a seconds scale).
      scales: { x: { time: true, range: () => this.timeRange() }, y: { range: (u, min, max) => [0, Math.max(max, 1) * 1.1] } },
      legend: { live: true },
    }, this.data, this.el);
  }

  push(ts, values) {
    this.data[0].push(ts);
    values.forEach((v, i) => this.data[i + 1].push(v));
    const cutoff = ts - this.windowSeconds;
    while (this.data[0].length > 2 && this.data[0][0] < cutoff) this.data.forEach(col => col.shift());
    this.plot.setData(this.data);
    // The latest sample, readable by scripts and tests without hovering the plot.
    this.el.dataset.samples = String(this.data[0].length);
    this.el.dataset.latest = JSON.stringify(values);
  }

  destroy() {
    window.removeEventListener('themechange', this.onTheme);
    this.resize.disconnect();
    this.plot.destroy();
  }
}
