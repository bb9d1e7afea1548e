/**
 * The languages the manual-entry form speaks: the school administrators who meet it are in
 * Austria and Germany, and the platform's own example language is `de`.
 */
export const FORM_LANGUAGES = ['de', 'en'] as const;
export type FormLanguage = (typeof FORM_LANGUAGES)[number];

/** Without a usable Accept-Language (curl, a script), the page is English. */
export const DEFAULT_FORM_LANGUAGE: FormLanguage = 'en';

/** A browser sends a few dozen characters; anything beyond this is not read (bounded work). */
const MAX_ACCEPT_LANGUAGE_LENGTH = 1000;

const isFormLanguage = (value: string): value is FormLanguage => (FORM_LANGUAGES as readonly string[]).includes(value);

/**
 * The form's language from the browser's Accept-Language (RFC 9110 12.5.4): the highest q-value
 * among the languages the form speaks wins, ties in the header's order; q=0 means "not this one".
 */
export function negotiateFormLanguage(acceptLanguage: unknown): FormLanguage {
	const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : typeof acceptLanguage === 'string' ? acceptLanguage : '';
	let best: { language: FormLanguage; q: number } | undefined;
	for (const part of header.slice(0, MAX_ACCEPT_LANGUAGE_LENGTH).split(',')) {
		const [tag, ...parameters] = part.split(';').map((piece) => piece.trim());
		const language = tag.split('-')[0].toLowerCase();
		if (!isFormLanguage(language)) continue;
		let q = 1;
		for (const parameter of parameters) {
			const match = /^q\s*=\s*([01](?:\.\d{0,3})?)$/i.exec(parameter);
			if (match) q = Math.min(1, Number(match[1]));
		}
		if (q > 0 && (!best || q > best.q)) best = { language, q };
	}
	return best?.language ?? DEFAULT_FORM_LANGUAGE;
}

/** The node's Language setting: `auto` follows the browser, a language code fixes it. */
export function formLanguageOf(setting: unknown, acceptLanguage: unknown): FormLanguage {
	return typeof setting === 'string' && isFormLanguage(setting) ? setting : negotiateFormLanguage(acceptLanguage);
}

/**
 * The school's language as typed into an entry: a code (`de`, `en-GB`) or a name in either
 * language ("Deutsch", "English", "Englisch"). Anything else is undefined, and refused with
 * the choices, so a welcome never goes out silently in the wrong language.
 */
const SCHOOL_LANGUAGE_NAMES: Record<string, FormLanguage> = {
	de: 'de',
	deutsch: 'de',
	german: 'de',
	en: 'en',
	english: 'en',
	englisch: 'en',
};

export function schoolLanguage(text: string): FormLanguage | undefined {
	const value = text.trim().toLowerCase();
	if (value.length > 20) return undefined;
	return SCHOOL_LANGUAGE_NAMES[value] ?? SCHOOL_LANGUAGE_NAMES[/^([a-z]{2})[-_][a-z]{2}$/.exec(value)?.[1] ?? ''];
}
