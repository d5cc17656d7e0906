import React from "react";

import { formatCount } from "./formatting.js";

const BAR_HEIGHT = 22;
const BAR_GAP = 8;
const LABEL_WIDTH = 120;
const CHART_WIDTH = 480;

/**
 * A horizontal bar chart in inline SVG, with the same figures in a visually
 * hidden table for screen readers.
 */
export function BarChart({ title, rows, emptyText = "Nothing to show yet." }) {
  if (!rows?.length) {
    return (
      <figure className="chart">
        <figcaption>{title}</figcaption>
        <p className="chart__empty">{emptyText}</p>
      </figure>
    );
  }
  const max = Math.max(1, ...rows.map((row) => row.count));
  const height = rows.length * (BAR_HEIGHT + BAR_GAP);
  const barSpace = CHART_WIDTH - LABEL_WIDTH - 48;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${CHART_WIDTH} ${height}`} role="img" aria-hidden="true" className="chart__svg">
        {rows.map((row, index) => {
          const y = index * (BAR_HEIGHT + BAR_GAP);
          const width = Math.max(2, (row.count / max) * barSpace);
          return (
            <g key={row.label}>
              <text x={LABEL_WIDTH - 8} y={y + BAR_HEIGHT * 0.7} textAnchor="end" className="chart__label">
                {row.label.length > 16 ? `${row.label.slice(0, 15)}…` : row.label}
              </text>
              <rect x={LABEL_WIDTH} y={y} width={width} height={BAR_HEIGHT} rx="3" className="chart__bar" />
              <text x={LABEL_WIDTH + width + 6} y={y + BAR_HEIGHT * 0.7} className="chart__value">
                {formatCount(row.count)}
              </text>
            </g>
          );
        })}
      </svg>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              <td>{row.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
