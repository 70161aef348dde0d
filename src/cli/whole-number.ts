/** An option's text as a whole number of at least `min`; undefined when it is not one. */
export function wholeNumber(text: string, min: number): number | undefined {
  const value = Number(text);
  return Number.isInteger(value) && value >= min ? value : undefined;
}
