// The jstat functions this package uses (jstat ships no type declarations).
declare module 'jstat' {
  interface JStat {
    beta: {
      pdf(x: number, alpha: number, beta: number): number;
      cdf(x: number, alpha: number, beta: number): number;
      inv(p: number, alpha: number, beta: number): number;
    };
    normal: { inv(p: number, mean: number, sd: number): number };
    /** ln B(x, y). */
    betaln(x: number, y: number): number;
  }
  const jStat: JStat;
  export default jStat;
}
