/**
 * A probability as people read it: a percentage with one decimal (0.9731 → 97.3%). A probability that
 * is not certain never reads as certain: 0.99996 is ">99.9%", not "100%" (a pair whose city differs
 * can score that high), and 0.00004 is "<0.1%", not "0%".
 */
export function formatProbability(probability: number, locale: string): string {
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  if (probability > 0.999 && probability < 1) return `>${percent.format(0.999)}`;
  if (probability > 0 && probability < 0.001) return `<${percent.format(0.001)}`;
  return percent.format(probability);
}
