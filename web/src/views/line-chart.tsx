import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { latestStep, Line } from '../api/live-state';
import { columns } from './chart-columns';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

export function LineChart({ lines }: { lines: Line[] }) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const names = lines.map((l) => l.name).join('\n');

  // A new plot when the set of lines changes; new points only update its data.
  useEffect(() => {
    const element = container.current!;
    const options: uPlot.Options = {
      width: element.clientWidth,
      height: 260,
      series: [
        {},
        // A p95 line dashed, beside its avg.
        ...lines.map((l, i) => ({
          label: l.name,
          stroke: COLORS[i % COLORS.length],
          width: 2,
          spanGaps: true,
          dash: l.name.endsWith(' p95') ? [6, 4] : undefined,
        })),
      ],
      axes: [{}, { size: 60 }],
    };
    plot.current = new uPlot(options, columns(lines.map((l) => l.points)), element);
    const onResize = () => plot.current?.setSize({ width: element.clientWidth, height: 260 });
    addEventListener('resize', onResize);
    return () => {
      removeEventListener('resize', onResize);
      plot.current?.destroy();
    };
  }, [names]);
  useEffect(() => plot.current?.setData(columns(lines.map((l) => l.points))), [lines]);

  // What the chart shows, for tests: its newest step that is not provisional (epoch ms) and how many points it draws.
  const latest = latestStep(lines);
  const points = lines.reduce((n, l) => n + [...l.points.values()].filter((v) => v !== null).length, 0);
  return <div class="chart" ref={container} data-latest={latest} data-points={points} />;
}
