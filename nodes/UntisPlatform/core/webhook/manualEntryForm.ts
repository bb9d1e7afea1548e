import { schoolLanguage, type FormLanguage } from './formLanguage';
import { FORM_TEXTS, type FormTexts } from './formTexts';
import { FORM_TOKEN_FIELD } from './formToken';
import { MAX_VALUE_LENGTH, type EntryProblem, type ManualEntryInput } from './manualEntry';

/**
 * The package's own manual-entry form: the page it serves and the submission it reads. The page
 * has no script and no external resource; its Content-Security-Policy allows inline styles and
 * posting to itself, nothing else. Every value shown back is HTML-escaped.
 */

/** A submission is a few short fields: anything longer is refused before it is parsed. */
export const MAX_FORM_BYTES = 16 * 1024;

export const FORM_CONTENT_SECURITY_POLICY =
	"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

type FieldName = keyof FormTexts['fields'];

interface FormField {
	name: FieldName;
	type: 'text' | 'password' | 'email' | 'select';
	required: boolean;
}

/** The fields in the order the platform lists them; secret and password are never shown back. */
export const FORM_FIELDS: readonly FormField[] = [
	{ name: 'tenantId', type: 'text', required: true },
	{ name: 'clientId', type: 'text', required: true },
	{ name: 'secret', type: 'password', required: true },
	{ name: 'password', type: 'password', required: true },
	{ name: 'host', type: 'text', required: true },
	{ name: 'activatorEmail', type: 'email', required: false },
	{ name: 'language', type: 'select', required: false },
];

/** A submission the form cannot read at all: answered with the form and no values. */
export class FormSubmissionError extends Error {
	constructor(
		readonly kind: keyof FormTexts['submission'],
		readonly status: number,
		readonly detail: { bytes?: number; limit?: number; field?: string; times?: number } = {},
	) {
		super(sayFailure('en', kind, detail));
		this.name = 'FormSubmissionError';
	}

	say(language: FormLanguage): string {
		return sayFailure(language, this.kind, this.detail);
	}
}

function sayFailure(language: FormLanguage, kind: keyof FormTexts['submission'], detail: FormSubmissionError['detail']): string {
	const texts = FORM_TEXTS[language];
	const label = detail.field === undefined ? undefined : (texts.fields[detail.field as FieldName]?.label ?? detail.field);
	return texts.submission[kind]({ ...detail, label });
}

/** Reads an application/x-www-form-urlencoded submission into the manual-entry input, the form token as `formToken`. */
export function formSubmission(body: Buffer | undefined, contentType: unknown): ManualEntryInput {
	if (!body || body.length === 0) throw new FormSubmissionError('empty', 400);
	if (body.length > MAX_FORM_BYTES) throw new FormSubmissionError('tooLarge', 413, { bytes: body.length, limit: MAX_FORM_BYTES });
	const type = typeof contentType === 'string' ? contentType.split(';')[0].trim().toLowerCase() : '';
	if (type !== 'application/x-www-form-urlencoded') throw new FormSubmissionError('notForm', 415);
	const params = new URLSearchParams(body.toString('utf8'));
	const input: ManualEntryInput = {};
	for (const name of [...FORM_FIELDS.map((field) => field.name), FORM_TOKEN_FIELD]) {
		const values = params.getAll(name);
		if (values.length > 1) throw new FormSubmissionError('repeated', 400, { field: name, times: values.length });
		if (values.length === 1) input[name] = values[0];
	}
	return input;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

function page(language: FormLanguage, title: string, body: string): string {
	return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#222}
label{display:block;margin-top:1rem;font-weight:600}input,select{width:100%;padding:.5rem;box-sizing:border-box;font:inherit}
small{color:#555;font-weight:400}button{margin-top:1.5rem;padding:.6rem 1.2rem;font:inherit}
.problem{border-left:4px solid #c00;padding:.5rem 1rem;background:#fee}.done{border-left:4px solid #080;padding:.5rem 1rem;background:#efe}
.field-problem{color:#a00;font-weight:600;margin:.25rem 0 0}.field-note{color:#555;margin:.25rem 0 0}[aria-invalid=true]{border:2px solid #c00}</style>
</head><body>${body}</body></html>
`;
}

export interface FormPageOptions {
	language: FormLanguage;
	/** As set in the node; the shipped default is replaced by the page language's own. */
	title?: string;
	description?: string;
	/** Whether the form checks entries with the platform: the button says so. */
	checked?: boolean;
	/** A problem with the submission as a whole, shown at the top. */
	problem?: string;
	/** What to fix, per field: listed at the top and shown next to each field. */
	problems?: readonly EntryProblem[];
	/** What was typed, shown back (escaped); secret and password never are. */
	values?: ManualEntryInput;
	token?: string;
}

/** Fields whose typed value is never put back into the page. */
const NEVER_SHOWN = new Set<string>(['secret', 'password']);

const shownValue = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value).slice(0, MAX_VALUE_LENGTH) : '');

/** The form page. After a refusal: every problem at the top and next to its field, the typed values kept. */
export function formPage(options: FormPageOptions): string {
	const texts = FORM_TEXTS[options.language];
	const title = !options.title || options.title === FORM_TEXTS.en.defaultTitle ? texts.defaultTitle : options.title;
	const description = options.description === undefined || options.description === FORM_TEXTS.en.defaultDescription ? texts.defaultDescription : options.description;
	const problems = options.problems ?? [];
	const refused = problems.length > 0 || options.problem !== undefined;
	const problemOf = (name: string) => problems.find((problem) => problem.field === name);
	const say = (problem: EntryProblem) => texts.problem(problem, texts.fields[problem.field as FieldName]?.label ?? problem.field);
	const fields = FORM_FIELDS.map((field) => {
		const { label, hint } = texts.fields[field.name];
		const problem = problemOf(field.name);
		const described = [`${field.name}-hint`];
		const lines: string[] = [];
		if (problem) {
			lines.push(`<p class="field-problem" id="${field.name}-problem">${escapeHtml(say(problem))}</p>`);
			described.unshift(`${field.name}-problem`);
		} else if (refused && NEVER_SHOWN.has(field.name) && shownValue(options.values?.[field.name]) !== '') {
			lines.push(`<p class="field-note" id="${field.name}-note">${escapeHtml(texts.typeAgain)}</p>`);
			described.unshift(`${field.name}-note`);
		}
		const attributes = `id="${field.name}" name="${field.name}" aria-describedby="${described.join(' ')}"${problem ? ' aria-invalid="true"' : ''}${field.required ? ' required' : ''}`;
		const typed = NEVER_SHOWN.has(field.name) ? '' : shownValue(options.values?.[field.name]);
		// "Deutsch" typed by hand shows as its choice, de.
		const value = field.type === 'select' ? (schoolLanguage(typed) ?? typed) : typed;
		let input: string;
		if (field.type === 'select') {
			const choices: Array<[string, string]> = [['', texts.languageNone], ['de', 'Deutsch (de)'], ['en', 'English (en)']];
			// A typed value that is none of the choices (sent by hand) stays visible, to be corrected.
			if (value !== '' && !choices.some(([code]) => code === value)) choices.push([value, value]);
			input = `<select ${attributes}>${choices.map(([code, name]) => `<option value="${escapeHtml(code)}"${code === value ? ' selected' : ''}>${escapeHtml(name)}</option>`).join('')}</select>`;
		} else {
			const autocomplete = field.type === 'password' ? 'new-password' : 'off';
			input = `<input ${attributes} type="${field.type}" maxlength="${MAX_VALUE_LENGTH}" autocomplete="${autocomplete}"${value ? ` value="${escapeHtml(value)}"` : ''}>`;
		}
		const optional = field.required ? '' : ` <small>${escapeHtml(texts.optional)}</small>`;
		return `<label for="${field.name}">${escapeHtml(label)}${optional}</label>
<small id="${field.name}-hint">${escapeHtml(hint)}</small>
${lines.join('')}${input}`;
	}).join('\n');
	const summaryLines = problems.map((problem) => `<li><a href="#${escapeHtml(problem.field)}">${escapeHtml(say(problem))}</a></li>`);
	const summary = options.problem !== undefined
		? `<div class="problem" role="alert"><p>${escapeHtml(options.problem)}</p></div>`
		: problems.length
			? `<div class="problem" role="alert"><p>${escapeHtml(texts.summary(problems.length))}</p><ul>${summaryLines.join('')}</ul></div>`
			: '';
	const token = options.token ? `<input type="hidden" name="${FORM_TOKEN_FIELD}" value="${escapeHtml(options.token)}">\n` : '';
	const submit = options.checked === false ? texts.submitUnchecked : texts.submitChecked;
	return page(
		options.language,
		title,
		`<h1>${escapeHtml(title)}</h1><p>${escapeHtml(description)}</p>${summary}
<form method="post" enctype="application/x-www-form-urlencoded" novalidate>
${token}${fields}
<button type="submit">${escapeHtml(submit)}</button></form>`,
	);
}

/** A refusal that is not about the typed values: no form, optionally a link back to it. */
export function refusalPage(language: FormLanguage, title: string, problem: string, options: { linkToForm?: boolean } = {}): string {
	const link = options.linkToForm ? `<p><a href="">${escapeHtml(FORM_TEXTS[language].openAgain)}</a></p>` : '';
	return page(language, title, `<h1>${escapeHtml(title)}</h1><p class="problem" role="alert">${escapeHtml(problem)}</p>${link}`);
}

/** What the form's trigger tells Confirm Delivery about a submission (the item's `form` field). */
export interface FormOutcome {
	language: FormLanguage;
	checkedWithPlatform: boolean;
}

/**
 * The answer once the workflow has stored the entry (sent by Confirm Delivery): in the form's
 * language, saying whether the platform checked the entry, and nothing it did not do.
 */
export function storedPage(tenantId: unknown, outcome: FormOutcome & { sealed: boolean } = { language: 'en', checkedWithPlatform: false, sealed: false }): string {
	const texts = FORM_TEXTS[outcome.language];
	const tenant = typeof tenantId === 'string' || typeof tenantId === 'number' ? String(tenantId).slice(0, 200) : '?';
	return page(
		outcome.language,
		texts.storedTitle,
		`<h1>${escapeHtml(texts.storedTitle)}</h1><p class="done">${escapeHtml(texts.stored({ tenant, checked: outcome.checkedWithPlatform, sealed: outcome.sealed }))}</p>`,
	);
}
