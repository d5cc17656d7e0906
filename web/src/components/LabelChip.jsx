import React from "react";

const FALLBACK_COLOR = "d0d7de";

function isHexColor(value) {
  return typeof value === "string" && /^[0-9a-fA-F]{6}$/.test(value);
}

const DARK_TEXT = "#1f2328";
const LIGHT_TEXT = "#ffffff";

/** Relative luminance of an sRGB colour, as WCAG 2 defines it. */
function luminance(hex) {
  const [red, green, blue] = [0, 2, 4].map((start) => {
    const channel = Number.parseInt(hex.slice(start, start + 2), 16) / 255;
    return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
}

function contrast(first, second) {
  const [light, dark] = [luminance(first), luminance(second)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}

/** Dark or white text, whichever is easier to read on the label's colour. */
function textColorFor(hex) {
  const dark = contrast(hex, DARK_TEXT.slice(1));
  const light = contrast(hex, LIGHT_TEXT.slice(1));
  return dark >= light ? DARK_TEXT : LIGHT_TEXT;
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
