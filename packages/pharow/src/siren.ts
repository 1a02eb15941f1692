/**
 * French company identifiers (INSEE): the SIREN (9 digits) identifies a company, the SIRET
 * (14 digits: the SIREN then a 5-digit establishment number) one of its establishments.
 *
 * Both carry a Luhn checksum. One exception is documented by INSEE: La Poste (SIREN 356000000)
 * has more establishments than the Luhn key space allows, so its SIRETs do not satisfy Luhn;
 * instead the sum of their 14 digits is a multiple of 5. The SIREN 356000000 itself is
 * Luhn-valid, so the exception concerns SIRETs only. The SQL twin of `isValidSiren` is
 * `crm.is_valid_siren` (the crm migration): keep them in step.
 */
export const LA_POSTE_SIREN = '356000000';

/** True when the digits satisfy the Luhn checksum (from the right, every second digit doubled). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let digit = Number(digits[i]);
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/** 9 digits whose Luhn checksum is valid (the SIREN of a French company). */
export function isValidSiren(value: unknown): boolean {
  return typeof value === 'string' && /^\d{9}$/.test(value) && luhnValid(value);
}

/**
 * 14 digits whose first 9 form a valid SIREN, and either Luhn-valid over the 14 digits or, for
 * La Poste (SIREN 356000000), with a digit sum that is a multiple of 5.
 */
export function isValidSiret(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{14}$/.test(value)) return false;
  const siren = value.slice(0, 9);
  if (!isValidSiren(siren)) return false;
  if (luhnValid(value)) return true;
  if (siren !== LA_POSTE_SIREN) return false;
  let sum = 0;
  for (const digit of value) sum += Number(digit);
  return sum % 5 === 0;
}
