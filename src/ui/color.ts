/**
 * Colour in the live views. With NO_COLOR set (https://no-color.org) no colour is drawn: an Ink `color` prop gets
 * `hue(…)`, which is then undefined. Bold, dim and inverse are not colours and stay (the selected row is inverse).
 * Ink's own chalk does not read NO_COLOR, so the views must.
 */
export const hue = (color: string): string | undefined => (process.env.NO_COLOR ? undefined : color)
