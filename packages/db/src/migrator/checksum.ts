const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Continues a CRC32 (zlib / java.util.zip polynomial) over `bytes`; `crc` is the running value. */
function crc32Update(crc: number, bytes: Uint8Array): number {
  let c = crc ^ 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Flyway's checksum: CRC32 over the file's lines as UTF-8, line terminators removed and nothing
 * put between lines, a leading BOM dropped, returned as a signed 32-bit integer. An empty text
 * gives 0. (flyway-core ChecksumCalculator: BufferedReader.readLine + CRC32.update per line.)
 */
export function flywayChecksum(text: string): number {
  const encoder = new TextEncoder();
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let crc = 0;
  for (const line of body.split(LINE_BREAK)) crc = crc32Update(crc, encoder.encode(line));
  return crc | 0;
}
