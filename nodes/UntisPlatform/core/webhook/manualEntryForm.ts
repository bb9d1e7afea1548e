import { FORM_TOKEN_FIELD } from './formToken';
import type { ManualEntryInput } from './manualEntry';

/**
 * The package's own manual-entry form: the page it serves and the submission it reads. The page
 * has no script and no external resource; its Content-Security-Policy allows inline styles and
 * posting to itself, nothing else. Every value shown back is HTML-escaped.
 */

/** A submission is a few short fields: anything longer is refused before it is parsed. */
export const MAX_FORM_BYTES = 16 * 1024;

export const FORM_CONTENT_SECURITY_POLICY =
	"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

interface FormField {
	name: keyof ManualEntryInput & string;
	label: string;
	type: 'text' | 'password' | 'email';
	required: boolean;
	hint?: string;
}

export const FORM_FIELDS: readonly FormField[] = [
	{ name: 'tenantId', label: 'Tenant ID', type: 'text', required: true },
	{ name: 'clientId', label: 'Client ID', type: 'text', required: true },
	{ name: 'secret', label: 'Secret', type: 'password', required: true, hint: 'The OIDC client secret' },
	{ name: 'password', label: 'Password', type: 'password', required: true, hint: 'The platform password: the second value, not the secret' },
	{ name: 'host', label: 'Host', type: 'text', required: true, hint: 'e.g. school.webuntis.com' },
	{ name: 'activatorEmail', label: 'Activator Email', type: 'email', required: false },
	{ name: 'language', label: 'Language', type: 'text', required: false, hint: 'e.g. de or en' },
];

export class FormSubmissionError extends Error {
	constructor(
		message: string,
		readonly status: number,
	) {
		super(message);
		this.name = 'FormSubmissionError';
	}
}

/** Reads an application/x-www-form-urlencoded submission into the manual-entry input, the form token as `formToken`. */
export function formSubmission(body: Buffer | undefined, contentType: unknown): ManualEntryInput {
	if (!body || body.length === 0) throw new FormSubmissionError('The form arrived empty: fill in the fields and send it again', 400);
	if (body.length > MAX_FORM_BYTES) {
		throw new FormSubmissionError(`The submission is ${body.length} bytes; at most ${MAX_FORM_BYTES} are accepted: copy each value alone`, 413);
	}
	const type = typeof contentType === 'string' ? contentType.split(';')[0].trim().toLowerCase() : '';
	if (type !== 'application/x-www-form-urlencoded') {
		throw new FormSubmissionError(`Content-Type '${type.slice(0, 80) || 'none'}' is not a form submission: send the form from its page`, 415);
	}
	const params = new URLSearchParams(body.toString('utf8'));
	const input: ManualEntryInput = {};
	for (const name of [...FORM_FIELDS.map((field) => field.name), FORM_TOKEN_FIELD]) {
		const values = params.getAll(name);
		if (values.length > 1) throw new FormSubmissionError(`'${name}' was sent ${values.length} times: send the form from its page`, 400);
		if (values.length === 1) input[name] = values[0];
	}
	return input;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

function page(title: string, body: string): string {
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#222}
label{display:block;margin-top:1rem;font-weight:600}input{width:100%;padding:.5rem;box-sizing:border-box;font:inherit}
small{color:#555;font-weight:400}button{margin-top:1.5rem;padding:.6rem 1.2rem;font:inherit}
.problem{border-left:4px solid #c00;padding:.5rem 1rem;background:#fee}.done{border-left:4px solid #080;padding:.5rem 1rem;background:#efe}</style>
</head><body>${body}</body></html>
`;
}

/** The form, optionally with the problem of the last submission above it (no values are kept). */
export function formPage(options: { title: string; description: string; problem?: string; token?: string }): string {
	const fields = FORM_FIELDS.map((field) => {
		const hint = field.hint ? ` <small>${escapeHtml(field.hint)}</small>` : '';
		const required = field.required ? ' required' : ' <small>(optional)</small>';
		const autocomplete = field.type === 'password' ? 'new-password' : 'off';
		return `<label for="${field.name}">${escapeHtml(field.label)}${field.required ? '' : required}${hint}</label>
<input id="${field.name}" name="${field.name}" type="${field.type}" maxlength="1000" autocomplete="${autocomplete}"${field.required ? ' required' : ''}>`;
	}).join('\n');
	const problem = options.problem ? `<p class="problem" role="alert">${escapeHtml(options.problem)}</p>` : '';
	const token = options.token ? `<input type="hidden" name="${FORM_TOKEN_FIELD}" value="${escapeHtml(options.token)}">\n` : '';
	return page(
		options.title,
		`<h1>${escapeHtml(options.title)}</h1><p>${escapeHtml(options.description)}</p>${problem}
<form method="post" enctype="application/x-www-form-urlencoded">
${token}${fields}
<button type="submit">Check and store</button></form>`,
	);
}

/** A refusal that is not about the typed values: no form, optionally a link back to it. */
export function refusalPage(title: string, problem: string, options: { linkToForm?: boolean } = {}): string {
	const link = options.linkToForm ? '<p><a href="">Open the form again</a></p>' : '';
	return page(title, `<h1>${escapeHtml(title)}</h1><p class="problem" role="alert">${escapeHtml(problem)}</p>${link}`);
}

/** The answer once the workflow has stored the entry (sent by Confirm Delivery). */
export function storedPage(tenantId: unknown): string {
	const tenant = typeof tenantId === 'string' || typeof tenantId === 'number' ? String(tenantId).slice(0, 200) : 'the school';
	return page(
		'Stored',
		`<h1>Stored</h1><p class="done">The platform accepted the credentials of tenant <strong>${escapeHtml(tenant)}</strong>, and they are stored sealed.</p>`,
	);
}
