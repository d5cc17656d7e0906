import React from "react";

const FALLBACK_COLOR = "d0d7de";

function isHexColor(value) {
  return typeof value === "string" && /^[0-9a-fA-F]{6}$/.test(value);
}

/** Dark text on light label colours and white text on dark ones, as GitHub does. */
function textColorFor(hex) {
  const [red, green, blue] = [0, 2, 4].map((start) => Number.parseInt(hex.slice(start, start + 2), 16));
  const luminance = (0.299 * red + 0.587 * green + 0.114 * blue) / 255;
  return luminance > 0.6 ? "#1f2328" : "#ffffff";
}

/** One issue label in its repository's colour. */
export function LabelChip({ name, color, description }) {
  const hex = isHexColor(color) ? color : FALLBACK_COLOR;
  return (
    <li className="label-chip" style={{ backgroundColor: `#${hex}`, color: textColorFor(hex) }} title={description || undefined}>
      {name}
    </li>
  );
}

export function LabelChips({ labels }) {
  if (!labels?.length) return null;
  return (
    <ul className="label-chips" aria-label="Labels">
      {labels.map((label) => (
        <LabelChip key={label.name} {...label} />
      ))}
    </ul>
  );
}
