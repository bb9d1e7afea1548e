/**
 * Which of a tool node's parameters a model may fill, and how to tell that it tried to fill
 * others. In n8n a model fills a parameter only through a `$fromAI()` expression in it; and when
 * the AI Agent runs a tool node, the model's arguments are merged into the node's input item, so
 * `{{ $json.tenantId }}` would read a tenantId the model sent. Pure: no n8n.
 */

/** `$fromAI(` in any spelling n8n accepts (it also reads `$fromai`). */
const FROM_AI = /\$fromai\s*\(/i;

export function usesFromAi(raw: unknown): boolean {
	if (typeof raw === 'string') return FROM_AI.test(raw);
	if (typeof raw !== 'object' || raw === null) return false;
	return Object.values(raw).some(usesFromAi);
}

/** Parameters outside `allowed` whose raw value asks the model for a value. */
export function fromAiOutside(parameters: Record<string, unknown>, allowed: readonly string[]): string[] {
	return Object.entries(parameters)
		.filter(([name, raw]) => !allowed.includes(name) && usesFromAi(raw))
		.map(([name]) => name);
}

/**
 * The input item in each spelling n8n offers: `$json`, `$input.item.json`, `$input.first().json`,
 * `$input.last().json`, `$input.all()[n].json`, `$item(n).$json`. All of them hold the model's
 * arguments when the AI Agent runs the node. `$('Node')` reads another node's output: not these.
 */
const INPUT_ITEM = String.raw`(?:\$json|\$input\s*\.\s*(?:item|first\(\s*\)|last\(\s*\)|all\(\s*\)\s*\[\s*\d+\s*\])\s*\.\s*json|\$item\(\s*\d+\s*\)\s*\.\s*\$json)`;
const KEY = String.raw`(?:\s*\.\s*([A-Za-z_$][\w$]*)|\s*\[\s*(['"])([^'"\]]{1,100})\2\s*\])`;
const INPUT_KEY = new RegExp(INPUT_ITEM + KEY, 'g');

/** The input item's fields an expression reads, e.g. `$json.x`, `$json["x"]`, `$input.first().json.x`. */
export function jsonKeysRead(raw: unknown): string[] {
	if (typeof raw !== 'string') return [];
	const keys = new Set<string>();
	for (const match of raw.matchAll(INPUT_KEY)) keys.add(match[1] ?? match[3]);
	return [...keys];
}

/**
 * Argument names a model must never send: the tenant's identity, where to call, credentials.
 * With the keys the tenant fields read, a tool call carrying one of them is refused.
 */
export const TENANT_ARGUMENTS = [
	'tenantId',
	'clientId',
	'password',
	'secret',
	'host',
	'apiBase',
	'apiBaseUrl',
	'apiHost',
	'url',
	'path',
	'token',
	'accessToken',
	'tenantStatus',
	'status',
	'allowInactiveTenants',
] as const;
