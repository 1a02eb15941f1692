import { mapHeaders } from './header-mapping.js';
import { validateRow } from './row-validation.js';
import { generatePharowCsv, SAMPLE_BAD_KINDS, SAMPLE_HEADERS } from './sample.js';

describe('generatePharowCsv', () => {
  it('is reproducible and every bad row is refused while the others pass', () => {
    const csv = generatePharowCsv({ rows: 200, seed: 3, badEvery: 10 });
    expect(generatePharowCsv({ rows: 200, seed: 3, badEvery: 10 })).toBe(csv);
    const mapping = mapHeaders([...SAMPLE_HEADERS]);
    expect(mapping.unknown).toEqual([]);
    const lines = csv.trimEnd().split('\r\n').slice(1);
    expect(lines).toHaveLength(200);
    lines.forEach((line, index) => {
      const rowNumber = index + 1;
      const result = validateRow(line.split(';'), mapping);
      const kind = SAMPLE_BAD_KINDS[(rowNumber / 10 - 1) % SAMPLE_BAD_KINDS.length];
      const expectedOk = rowNumber % 10 !== 0 || kind === 'duplicate-row';
      expect({ rowNumber, ok: result.ok }).toEqual({ rowNumber, ok: expectedOk });
    });
  });
});
