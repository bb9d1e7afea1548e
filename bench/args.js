'use strict';
/** `--name value` from the command line; a number when the fallback is one, the fallback when absent. */
function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	if (i < 0) return fallback;
	return typeof fallback === 'number' ? Number(process.argv[i + 1]) : process.argv[i + 1];
}

module.exports = { arg };
