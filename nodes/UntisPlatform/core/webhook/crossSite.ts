/**
 * Fetch Metadata: browsers say in `Sec-Fetch-Site` who started a request. A form POST started
 * by another site still carries the Basic login the browser cached for the form, so only the
 * form's own page (`same-origin`) or the person (`none`: typed, bookmarked) may submit.
 * `Origin` is not used: the form's own submit sends `Origin: null` (its referrer policy).
 * Without the header (an old browser, curl), the form token decides.
 */
export function crossSiteProblem(secFetchSite: unknown): string | undefined {
	if (secFetchSite === undefined) return undefined;
	const site = Array.isArray(secFetchSite) ? secFetchSite.join(',') : String(secFetchSite);
	if (site === 'same-origin' || site === 'none') return undefined;
	return 'This submission was started by another site, so it was refused: open the form at its own address and send it from there';
}
