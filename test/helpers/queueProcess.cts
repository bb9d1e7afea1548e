/** One n8n process of the queue-mode cluster, as scripts/n8n/queue/queue-cluster.js hands it to the tests. */
export interface QueueProcess {
	role: string;
	port: number;
	baseUrl: string;
	startSeconds: number;
	installedPackage: { name: string; version: string } | null;
	pid(): number | null;
	start(): Promise<QueueProcess>;
	stop(o?: { signal?: string; timeoutMs?: number }): Promise<{ forced: boolean; ms: number }>;
	kill(signal?: string): Promise<{ gone: boolean; ms: number }>;
	isRunning(): boolean;
	logText(): string;
}
