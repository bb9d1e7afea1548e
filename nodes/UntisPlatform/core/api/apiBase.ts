import { baseUrlOf, hostProblem, withoutTrailingSlashes, insecureSchemeProblem } from './token';

/**
 * Where a tenant's token endpoint and data APIs live. Public sources put them on the platform's
 * API host per environment, not on the school's `host` (docs/untis-api.md has the evidence):
 * a Untis help article gives https://api.integration.webuntis.dev for integration, and a public
 * integration calls https://api.webuntis.com in production. No source says whether `https://{host}`
 * serves them too, so the tenant's host stays available as an explicit choice.
 */
export const DEFAULT_API_BASES = {
	production: 'https://api.webuntis.com',
	integration: 'https://api.integration.webuntis.dev',
} as const;

export interface ApiBaseConfig {
	environment?: string;
	/** Entered in the credential; empty means the environment's default. */
	apiBaseUrl?: string;
}

export class ApiBaseError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ApiBaseError';
	}
}

/** An API host with an optional proxy path; the cap is checked before anything else. */
export const MAX_API_BASE_LENGTH = 2048;

/** Why an entered API Base URL cannot be used, or undefined when it can. */
export function apiBaseProblem(text: string): string | undefined {
	if (text.length > MAX_API_BASE_LENGTH) {
		return `The API Base URL is ${text.length} characters long: enter the address of the platform's API (at most ${MAX_API_BASE_LENGTH} characters), such as ${DEFAULT_API_BASES.production}.`;
	}
	let url: URL;
	try {
		url = new URL(text.trim());
	} catch {
		return `The API Base URL '${text.trim().slice(0, 80)}' is not a URL: enter one such as ${DEFAULT_API_BASES.production}.`;
	}
	if (url.username || url.password || url.search || url.hash) {
		return 'The API Base URL must not carry a user, query or fragment: enter the address alone.';
	}
	return insecureSchemeProblem(url, 'The API Base URL');
}

/** Origin plus an optional path prefix (a proxy may serve the API below one), no trailing slash. */
function normalised(text: string): string {
	const url = new URL(text.trim());
	return `${url.protocol}//${url.host}${withoutTrailingSlashes(url.pathname)}`;
}

/** The credential's API base: the entered URL, else the environment's default. */
export function resolveApiBase(config: ApiBaseConfig): { url: string; source: 'entered' | 'default' } {
	const raw = config.apiBaseUrl ?? '';
	if (raw.length > MAX_API_BASE_LENGTH) throw new ApiBaseError(apiBaseProblem(raw) as string);
	const entered = raw.trim();
	if (entered !== '') {
		const problem = apiBaseProblem(entered);
		if (problem) throw new ApiBaseError(problem);
		return { url: normalised(entered), source: 'entered' };
	}
	const preset = DEFAULT_API_BASES[config.environment as keyof typeof DEFAULT_API_BASES];
	if (!preset) {
		throw new ApiBaseError(
			"The API Base URL is empty, and the Custom environment has no default: enter the address of the platform's API (for the simulator's stand-in, its http://127.0.0.1 address). The form's check and API calls need it.",
		);
	}
	return { url: preset, source: 'default' };
}

/** The tenant's own host as API base (with or without scheme, as the platform sends it). */
export function tenantHostBase(host: string): string {
	const problem = hostProblem(host);
	if (problem) throw new ApiBaseError(problem);
	return baseUrlOf(host);
}

/**
 * The Test button's sentence about the API base, by the same rule as resolveApiBase, which the
 * form's check and every API call use: what passes here works there, and the reverse. Custom
 * without an API Base URL fails here too (the trigger alone would not need it, but the form's
 * check and the API calls do, and a Test that passes must mean they work). Never throws.
 */
export function describeApiBase(config: ApiBaseConfig): { ok: boolean; message: string } {
	try {
		const { url, source } = resolveApiBase(config);
		const where = source === 'default' ? `${url}, the ${config.environment} default` : url;
		return { ok: true, message: `The form's check and API calls go to ${where}.` };
	} catch (error) {
		return { ok: false, message: (error as Error).message };
	}
}
