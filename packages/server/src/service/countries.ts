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

  let indexes: { byNumeric: Map<number, Country>; byCode: Map<string, Country> } | undefined;
  const index = () => {
    if (!indexes) {
      const list = service.list('en');
      indexes = { byNumeric: new Map(list.map((c) => [c.numeric, c])), byCode: new Map(list.map((c) => [c.code, c])) };
    }
    return indexes;
  };

  const service = {
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
    /**
     * Exactly the ids `list` gives, looked up in its own table: i18n-iso-countries'
     * `numericToAlpha2` maps numbers that are no country onto ones that are (100983 → XK).
     */
    byNumeric(id: number): Country | undefined {
      return index().byNumeric.get(id);
    },
    byCode(code: string): Country | undefined {
      return index().byCode.get(code.toUpperCase());
    },
  };
  return service;
}

export type CountryService = ReturnType<typeof createCountryService>;
