import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import type { FieldValue } from './types.ts';

/** The E.164 form of a phone number when libphonenumber can parse it as a valid number, else null. */
export function toE164(phone: FieldValue | undefined, country: FieldValue | undefined): string | null {
  if (typeof phone !== 'string' || phone.trim() === '') return null;
  const region = typeof country === 'string' && country.length === 2 ? (country as CountryCode) : undefined;
  try {
    const parsed = parsePhoneNumberFromString(phone, region ? { defaultCountry: region } : undefined);
    return parsed?.isValid() ? parsed.number : null;
  } catch {
    return null;
  }
}
