'use strict';
// Reader for the "flatted" format n8n uses for execution_data.data.
//
// Format: a JSON array. Entry 0 is the root value. Every object or array in the graph is its
// own entry, and so is every string. Inside an object/array entry, a string value is never
// literal: it is the decimal index of another entry (the referenced object, or the string).
// Top-level string entries are the literal strings. Numbers, booleans and null are inline.
// Shared and circular references therefore come back as the same JS object.

function parseFlatted(text) {
  const input = typeof text === 'string' ? JSON.parse(text) : text;
  if (!Array.isArray(input)) throw new TypeError('flatted: expected a JSON array');
  if (input.length === 0) return undefined;
  // One linear pass: each container entry is visited once, its index-strings swapped for the
  // entry they name. Containers keep their identity, so the order of the pass does not matter.
  for (const entry of input) {
    if (entry === null || typeof entry !== 'object') continue;
    for (const key of Object.keys(entry)) {
      const value = entry[key];
      if (typeof value === 'string') entry[key] = input[Number(value)];
    }
  }
  return input[0];
}

module.exports = { parseFlatted };
