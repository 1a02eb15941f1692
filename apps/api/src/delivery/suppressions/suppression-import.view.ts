/** A row of an uploaded CSV that was not added, and why. `row` counts the header as row 1. */
export interface InvalidSuppressionRow {
  row: number;
  value: string;
  reason: string;
}

/** What a CSV upload did: new entries, entries already there (or repeated), refused rows. */
export interface SuppressionImportView {
  added: number;
  alreadySuppressed: number;
  /** How many rows were refused; `invalid` lists the first 100. */
  invalidCount: number;
  invalid: InvalidSuppressionRow[];
}
