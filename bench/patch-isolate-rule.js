'use strict';
/**
 * Makes the change proposed in docs/upstream-isolate.md in a scratch copy of an installed n8n,
 * never in the install itself:
 *   <scratch>/node_modules/n8n            a full copy of the n8n package (about 90 MB)
 *   <scratch>/node_modules/<every other>  hard links to the installed files (`cp -al`: no space,
 *                                         and, unlike symlinks, packages that require `n8n/...`
 *                                         resolve to the copy, not to the install)
 *   <scratch>/.complete                   so the harness accepts it as an install
 * then rewrites the one condition of LiveWebhooks.webhookPhaseNeedsIsolate in the copy's
 * dist/webhooks/live-webhooks.js that exempts only n8n's own Webhook node, so that a node type
 * declaring `webhookIsExpressionFree: true` goes through the same remaining checks (not version 1,
 * static parameters, natively resolvable webhook descriptions). It fails loudly if the code it
 * expects is not there exactly once (another n8n version), and checks the result.
 *
 *   node bench/patch-isolate-rule.js <installed n8n dir> [<scratch dir>]   prints the scratch dir
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

/** The flag a node type declares in its description (docs/upstream-isolate.md). */
const FLAG = 'webhookIsExpressionFree';
const TARGET = path.join('node_modules', 'n8n', 'dist', 'webhooks', 'live-webhooks.js');

/**
 * The rewrite of the compiled method's text: the `startNode.type !== <ns>.WEBHOOK_NODE_TYPE` early
 * return gains "and the node type does not declare the flag". Returns the new text; throws unless
 * the method and the condition are each found exactly once.
 */
function rewrite(source) {
	const method = /\n(\s*)webhookPhaseNeedsIsolate\(startNode\) \{\n[\s\S]*?\n\1\}\n/g;
	const methods = source.match(method) ?? [];
	if (methods.length !== 1) {
		throw new Error(`expected one webhookPhaseNeedsIsolate(startNode) method in ${TARGET}, found ${methods.length}`);
	}
	const body = methods[0];
	const condition = /if \(startNode\.type !== ([A-Za-z_$][\w$]*)\.WEBHOOK_NODE_TYPE\)(\s*)return true;/g;
	const conditions = body.match(condition) ?? [];
	if (conditions.length !== 1) {
		throw new Error(`expected one "startNode.type !== <ns>.WEBHOOK_NODE_TYPE" early return in webhookPhaseNeedsIsolate, found ${conditions.length}`);
	}
	for (const later of ['nodeParametersAreStatic', 'webhookDescriptionIsNativelyResolvable', 'typeVersion === 1']) {
		if (!body.includes(later)) throw new Error(`webhookPhaseNeedsIsolate no longer checks ${later}: the change would not be safe as written`);
	}
	const patched = body.replace(
		condition,
		(_, ns, space) =>
			`if (startNode.type !== ${ns}.WEBHOOK_NODE_TYPE &&${space}this.nodeTypes.getByNameAndVersion(startNode.type, startNode.typeVersion)?.description?.${FLAG} !== true)${space}return true;`,
	);
	return source.replace(body, patched);
}

/** Copies the n8n package, links the rest, rewrites the condition. Returns the scratch dir. */
function patchedCopy(installDir, scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-isolate-rule-'))) {
	installDir = path.resolve(installDir);
	const modules = path.join(installDir, 'node_modules');
	if (!fs.existsSync(path.join(installDir, TARGET))) throw new Error(`no ${TARGET} under ${installDir}`);
	fs.mkdirSync(path.join(scratch, 'node_modules'), { recursive: true });
	for (const name of fs.readdirSync(modules)) {
		const to = path.join(scratch, 'node_modules', name);
		if (fs.existsSync(to)) continue;
		// The n8n package is copied for real: the file rewritten below shares no inode with the install.
		execFileSync('cp', [name === 'n8n' ? '-a' : '-al', path.join(modules, name), to]);
	}
	const file = path.join(scratch, TARGET);
	// A copy, not a link into the install: the install must stay as it is.
	if (fs.statSync(file).ino === fs.statSync(path.join(installDir, TARGET)).ino) throw new Error(`${file} is the installed file`);
	const before = fs.readFileSync(file, 'utf8');
	if (!before.includes(`.${FLAG} !== true`)) fs.writeFileSync(file, rewrite(before));
	const after = fs.readFileSync(file, 'utf8');
	if (!after.includes(`.${FLAG} !== true`)) throw new Error(`${file}: the rewrite did not land`);
	fs.copyFileSync(path.join(installDir, 'package.json'), path.join(scratch, 'package.json'));
	fs.writeFileSync(path.join(scratch, '.complete'), `copy of ${installDir} with the isolate rule of docs/upstream-isolate.md\n`);
	return scratch;
}

module.exports = { FLAG, rewrite, patchedCopy };

if (require.main === module) {
	const [installDir, scratch] = process.argv.slice(2);
	if (!installDir) {
		console.error('usage: node bench/patch-isolate-rule.js <installed n8n dir> [<scratch dir>]');
		process.exit(2);
	}
	console.log(patchedCopy(installDir, scratch));
}
