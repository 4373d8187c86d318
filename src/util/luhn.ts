/** The Luhn check digit test of card numbers (ISO/IEC 7812). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Whether any window of 12 to 19 digits of a run passes Luhn: a card number may hide in a longer run. */
export function containsPan(digits: string): boolean {
  for (let len = 12; len <= Math.min(19, digits.length); len++) {
    for (let i = 0; i + len <= digits.length; i++) if (luhnValid(digits.slice(i, i + len))) return true;
  }
  return false;
}
