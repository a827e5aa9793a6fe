import { createRequire } from 'node:module';
import countries from 'i18n-iso-countries';

const require = createRequire(import.meta.url);

export interface Country {
  /** ISO 3166-1 alpha-2, the canonical form. */
  readonly code: string;
  readonly alpha3: string;
  /** ISO 3166-1 numeric (the Nexudus `CountryId`). */
  readonly numeric: number;
  readonly name: string;
}

/**
 * The ISO 3166-1 country list from i18n-iso-countries, never typed by hand. Names are
 * available in every language the package ships; each is loaded on first use.
 */
export function createCountryService() {
  const cache = new Map<string, readonly Country[]>();
  const supported = new Set(countries.getSupportedLanguages());

  function ensureLocale(lang: string) {
    if (!countries.langs().includes(lang)) countries.registerLocale(require(`i18n-iso-countries/langs/${lang}.json`));
  }

  return {
    /** The base language of `tag` if names exist for it, else English. */
    languageFor(tag: string | undefined | null): string {
      const base = (tag ?? 'en').toLowerCase().split(/[-_]/)[0] ?? 'en';
      return supported.has(base) ? base : 'en';
    },
    list(lang = 'en'): readonly Country[] {
      const language = supported.has(lang) ? lang : 'en';
      let list = cache.get(language);
      if (!list) {
        ensureLocale(language);
        ensureLocale('en');
        list = Object.entries(countries.getAlpha2Codes())
          .map(([code, alpha3]) => ({
            code,
            alpha3,
            numeric: Number(countries.alpha2ToNumeric(code)),
            name: countries.getName(code, language) ?? countries.getName(code, 'en') ?? code,
          }))
          .sort((a, b) => a.name.localeCompare(b.name, language));
        cache.set(language, list);
      }
      return list;
    },
    byNumeric(id: number): Country | undefined {
      const code = countries.numericToAlpha2(id);
      return code ? this.list('en').find((c) => c.code === code) : undefined;
    },
    byCode(code: string): Country | undefined {
      return this.list('en').find((c) => c.code === code.toUpperCase());
    },
  };
}

export type CountryService = ReturnType<typeof createCountryService>;
