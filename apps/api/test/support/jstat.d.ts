// The few jstat functions the tests use as an oracle (jstat ships no type declarations).
declare module 'jstat' {
  interface BetaDistribution {
    cdf(x: number, alpha: number, beta: number): number;
    inv(p: number, alpha: number, beta: number): number;
  }
  interface JStat {
    beta: BetaDistribution;
    betaln(x: number, y: number): number;
    normal: { inv(p: number, mean: number, sd: number): number };
  }
  const jStat: JStat;
  export default jStat;
}
