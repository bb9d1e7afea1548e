'use strict';
/** The shipped example workflows, read as the suites and scripts import them (a fresh copy each call). */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const EXAMPLES_DIR = join(__dirname, '../../examples');

/** examples/<file> parsed; every call returns a new object, so a suite may change its copy. */
const readExample = (file, dir = EXAMPLES_DIR) => JSON.parse(readFileSync(join(dir, file), 'utf8'));

module.exports = { EXAMPLES_DIR, readExample };
