/** The editor's REST session of scripts/n8n/rest-session.js, as the registry suites use it. */
export type Answer = { status: number; text: string; headers: Record<string, string | string[]>; json(): { data: any } };
export type Owner = { email: string; firstName: string; lastName: string; password: string };

export interface RestSession<W extends { id: string; versionId: string } = { id: string; versionId: string }> {
	rest(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<Answer>;
	must(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<any>;
	prepare(o: Owner): Promise<void>;
	createCredential(name: string, type: string, data: Record<string, unknown>): Promise<{ id: string; name: string }>;
	createWorkflow(json: unknown, o: { credentials: Record<string, { id: string; name: string }> }): Promise<W>;
	activate(w: W): Promise<unknown>;
}
