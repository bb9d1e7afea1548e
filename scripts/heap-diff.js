'use strict';
// Compares V8 heap snapshots (.heapsnapshot, as written by v8.writeHeapSnapshot) of one process:
// count and self size per constructor in each, the growth from the first to the others, and for
// the constructors that grew most, the retainer path (shortest, from the GC roots, weak edges
// left out) of a few objects allocated after the first snapshot (object ids are kept across
// snapshots of one process). Streams the file, so snapshots larger than a string can be read.
// Node built-ins only. Run with Node >= 20 and a large enough heap for the strings, e.g.
//   node --max-old-space-size=6000 scripts/heap-diff.js [--top 12] [--paths 3] [--out summary.json] \
//     start.heapsnapshot [middle.heapsnapshot ...] end.heapsnapshot
// Paths are looked for in the snapshot named by --paths-in (default: the last one).
// --split Owner.property[+...]: the objects allocated since the first snapshot, split by whether
// their shortest retainer path runs through those objects, the rest by constructor with a path.
// --retained Owner.property (repeatable): in each snapshot, the entries of that object and the size
// only it keeps alive (e.g. ActiveExecutions.activeExecutions). --watch A,B: counts of constructors.
const fs = require('node:fs');
const path = require('node:path');

/** Streams a snapshot: meta, nodes and edges (Uint32Array), strings. */
function readSnapshot(file) {
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(1 << 24);
  let meta = null;
  let nodes = null;
  let edges = null;
  const strings = [];
  // Sections in order: header text up to "nodes":[, numbers, text up to "edges":[, numbers,
  // text up to "strings":[, strings, then the rest is ignored.
  const plan = ['"nodes":[', 'nodes', '"edges":[', 'edges', '"strings":[', 'strings', 'done'];
  let step = 0;
  let text = '';
  let target = null;
  let filled = 0;
  let cur = 0;
  let inNum = false;
  let inString = false;
  let escaped = false;
  let parts = [];
  let read;
  while (plan[step] !== 'done' && (read = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0) {
    let i = 0;
    while (i < read && plan[step] !== 'done') {
      const section = plan[step];
      if (section.startsWith('"')) {
        // Text up to a marker (small): collect it until the marker appears.
        const end = Math.min(read, i + (1 << 16));
        text += chunk.toString('latin1', i, end);
        const at = text.indexOf(section);
        if (at < 0) {
          i = end;
          continue;
        }
        const consumed = text.length - (at + section.length);
        i = end - consumed;
        if (!meta) {
          meta = JSON.parse(`${text.slice(0, at).replace(/[\s,]+$/, '')}}`).snapshot;
        }
        text = '';
        step += 1;
        if (plan[step] === 'nodes') target = nodes = new Uint32Array(meta.node_count * meta.meta.node_fields.length);
        if (plan[step] === 'edges') target = edges = new Uint32Array(meta.edge_count * meta.meta.edge_fields.length);
        filled = 0;
        continue;
      }
      if (section === 'nodes' || section === 'edges') {
        for (; i < read; i++) {
          const b = chunk[i];
          if (b >= 48 && b <= 57) {
            cur = cur * 10 + (b - 48);
            inNum = true;
          } else {
            if (inNum) {
              target[filled++] = cur;
              cur = 0;
              inNum = false;
            }
            if (b === 93) {
              i += 1;
              step += 1;
              break;
            }
          }
        }
        continue;
      }
      // strings: JSON strings separated by commas, ending with ]
      for (; i < read; i++) {
        const b = chunk[i];
        if (inString) {
          if (escaped) escaped = false;
          else if (b === 92) escaped = true;
          else if (b === 34) {
            parts.push(chunk.subarray(partStart, i));
            strings.push(JSON.parse(`"${Buffer.concat(parts).toString('utf8')}"`));
            parts = [];
            inString = false;
          }
        } else if (b === 34) {
          inString = true;
          var partStart = i + 1;
        } else if (b === 93) {
          step += 1;
          break;
        }
      }
      if (inString) {
        parts.push(Buffer.from(chunk.subarray(partStart, read)));
        partStart = 0;
      }
    }
  }
  fs.closeSync(fd);
  if (!meta || !nodes || !edges) throw new Error(`${file}: not a complete heap snapshot`);
  return { meta, nodes, edges, strings };
}

/** Accessors over a parsed snapshot. */
function view(s) {
  const nf = s.meta.meta.node_fields;
  const ef = s.meta.meta.edge_fields;
  const N = nf.length;
  const E = ef.length;
  const [nTypes] = s.meta.meta.node_types;
  const [eTypes] = s.meta.meta.edge_types;
  const f = { type: nf.indexOf('type'), name: nf.indexOf('name'), id: nf.indexOf('id'), size: nf.indexOf('self_size'), edges: nf.indexOf('edge_count') };
  const g = { type: ef.indexOf('type'), name: ef.indexOf('name_or_index'), to: ef.indexOf('to_node') };
  const count = s.nodes.length / N;
  const firstEdge = new Uint32Array(count + 1);
  for (let n = 0, e = 0; n < count; n++) {
    firstEdge[n] = e;
    e += s.nodes[n * N + f.edges] * E;
  }
  firstEdge[count] = s.edges.length;
  const type = (n) => nTypes[s.nodes[n * N + f.type]];
  const name = (n) => s.strings[s.nodes[n * N + f.name]];
  /** The group DevTools' summary would put a node in (closures by function name). */
  const group = (n) => {
    const t = type(n);
    if (t === 'object' || t === 'native' || t === 'synthetic') return name(n);
    if (t === 'closure') return `(closure) ${name(n) || '(anonymous)'}`;
    if (t === 'string' || t === 'concatenated string' || t === 'sliced string') return '(string)';
    if (t === 'array') return `(array) ${name(n)}`;
    if (t === 'hidden') return `(system) ${name(n)}`;
    return `(${t})`;
  };
  return { s, N, E, f, g, count, firstEdge, type, name, group, eTypes, id: (n) => s.nodes[n * N + f.id], size: (n) => s.nodes[n * N + f.size] };
}

function summarize(v) {
  const byGroup = new Map();
  let total = 0;
  let maxId = 0;
  for (let n = 0; n < v.count; n++) {
    const key = v.group(n);
    const e = byGroup.get(key) || { count: 0, size: 0 };
    e.count += 1;
    e.size += v.size(n);
    total += v.size(n);
    maxId = Math.max(maxId, v.id(n));
    byGroup.set(key, e);
  }
  return { nodes: v.count, edges: v.s.edges.length / v.E, selfSizeMiB: mib(total), maxId, byGroup };
}

/** Shortest retainer path from the GC roots to node `target` (weak edges left out). */
function retainerPath(v, distance, retainers, target) {
  const steps = [];
  let n = target;
  for (let guard = 0; guard < 60 && distance[n] > 0; guard++) {
    let best = -1;
    let bestEdge = -1;
    for (let k = retainers.first[n]; k < retainers.first[n + 1]; k++) {
      const from = retainers.from[k];
      if (distance[from] === distance[n] - 1) {
        best = from;
        bestEdge = retainers.edge[k];
        break;
      }
    }
    if (best < 0) break;
    steps.push({ from: best, edge: bestEdge });
    n = best;
  }
  return steps.reverse().map(({ from, edge }) => {
    const et = v.eTypes[v.s.edges[edge + v.g.type]];
    const nameOrIndex = v.s.edges[edge + v.g.name];
    const label = et === 'element' || et === 'hidden' ? `[${nameOrIndex}]` : `.${v.s.strings[nameOrIndex]}`;
    return `${v.group(from)}${label}`;
  }).concat(v.group(target));
}

function paths(v, groups, newerThan, perGroup, split) {
  const { count, firstEdge, s, g, E } = v;
  const weak = v.eTypes.indexOf('weak');
  const shortcut = v.eTypes.indexOf('shortcut');
  const toNode = (e) => s.edges[e + g.to] / v.N;
  // Distances from the root (node 0), breadth first.
  const distance = new Uint32Array(count).fill(0xffffffff);
  const queue = new Uint32Array(count);
  let head = 0;
  let tail = 0;
  distance[0] = 0;
  queue[tail++] = 0;
  // Whether a node's shortest path from the root passes through one of the `split` objects.
  const through = new Uint8Array(count);
  const splitTargets = split ? findTargets(v, split) : [];
  for (const t of splitTargets) through[t.target] = 1;
  const usable = (e) => {
    const t = s.edges[e + g.type];
    return t !== weak && t !== shortcut;
  };
  while (head < tail) {
    const n = queue[head++];
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += E) {
      if (!usable(e)) continue;
      const to = toNode(e);
      if (distance[to] === 0xffffffff) {
        distance[to] = distance[n] + 1;
        through[to] |= through[n];
        queue[tail++] = to;
      }
    }
  }
  // Retainers of every node (non-weak edges).
  const first = new Uint32Array(count + 1);
  for (let e = 0; e < s.edges.length; e += E) if (usable(e)) first[toNode(e) + 1] += 1;
  for (let n = 0; n < count; n++) first[n + 1] += first[n];
  const fill = first.slice(0, count);
  const from = new Uint32Array(first[count]);
  const edge = new Uint32Array(first[count]);
  for (let n = 0; n < count; n++) {
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += E) {
      if (!usable(e)) continue;
      const k = fill[toNode(e)]++;
      from[k] = n;
      edge[k] = e;
    }
  }
  const retainers = { first, from, edge };
  // Objects allocated since the first snapshot, split by whether they hang below the split objects.
  let splitSummary = null;
  if (split) {
    const below = { count: 0, size: 0 };
    const other = new Map();
    for (let n = 0; n < count; n++) {
      if (v.id(n) <= newerThan || distance[n] === 0xffffffff) continue;
      if (through[n]) {
        below.count += 1;
        below.size += v.size(n);
      } else {
        const key = v.group(n);
        const e = other.get(key) || { count: 0, size: 0, sample: n };
        e.count += 1;
        e.size += v.size(n);
        other.set(key, e);
      }
    }
    const rest = [...other.entries()].sort((a, b) => b[1].size - a[1].size);
    splitSummary = {
      split,
      below: { count: below.count, sizeMiB: mib(below.size) },
      elsewhere: { count: rest.reduce((t, [, e]) => t + e.count, 0), sizeMiB: mib(rest.reduce((t, [, e]) => t + e.size, 0)) },
      elsewhereTop: rest.slice(0, 8).map(([key, e]) => ({ constructor: key, count: e.count, sizeMiB: mib(e.size), path: retainerPath(v, distance, retainers, e.sample) })),
    };
  }
  const out = { split: splitSummary, byConstructor: {} };
  for (const key of groups) {
    const candidates = [];
    for (let n = 0; n < count; n++) if (v.id(n) > newerThan && distance[n] !== 0xffffffff && v.group(n) === key) candidates.push(n);
    // Spread over the objects allocated since the first snapshot: oldest, middle, newest.
    const picks = [...new Set(Array.from({ length: perGroup }, (_, i) => candidates[Math.floor(((candidates.length - 1) * i) / Math.max(1, perGroup - 1))]))].filter((n) => n !== undefined);
    out.byConstructor[key] = { newSinceFirst: candidates.length, paths: picks.map((n) => retainerPath(v, distance, retainers, n)) };
  }
  return out;
}

const mib = (bytes) => Number((bytes / 2 ** 20).toFixed(2));

/** Sum of self sizes reachable from the root (weak edges left out), not passing through `blocked`. */
function reachableSize(v, blocked = []) {
  const weak = v.eTypes.indexOf('weak');
  const seen = new Uint8Array(v.count);
  const queue = new Uint32Array(v.count);
  let head = 0;
  let tail = 0;
  let size = 0;
  seen[0] = 1;
  queue[tail++] = 0;
  for (const b of blocked) seen[b] = 1;
  while (head < tail) {
    const n = queue[head++];
    size += v.size(n);
    for (let e = v.firstEdge[n]; e < v.firstEdge[n + 1]; e += v.E) {
      if (v.s.edges[e + v.g.type] === weak) continue;
      const to = v.s.edges[e + v.g.to] / v.N;
      if (!seen[to]) {
        seen[to] = 1;
        queue[tail++] = to;
      }
    }
  }
  return size;
}

/**
 * What some objects hold between them: for 'Owner.property' (e.g. ActiveExecutions.activeExecutions),
 * the objects found at that property of every Owner; several joined by '+' count together. Gives
 * their edges (entries) and the size that only they keep alive (reachable from the root with them,
 * not without them).
 */
function findTargets(v, spec) {
  const targets = [];
  for (const part of spec.split('+')) {
    const [owner, property] = part.split('.');
    for (let n = 0; n < v.count; n++) {
      if (v.type(n) !== 'object' || v.name(n) !== owner) continue;
      for (let e = v.firstEdge[n]; e < v.firstEdge[n + 1]; e += v.E) {
        if (v.eTypes[v.s.edges[e + v.g.type]] !== 'property' || v.s.strings[v.s.edges[e + v.g.name]] !== property) continue;
        const target = v.s.edges[e + v.g.to] / v.N;
        targets.push({ part, target, entries: (v.firstEdge[target + 1] - v.firstEdge[target]) / v.E });
      }
    }
  }
  return targets;
}

function retainedBy(v, spec) {
  const targets = findTargets(v, spec);
  const retained = reachableSize(v) - reachableSize(v, targets.map((t) => t.target));
  return { spec, entries: targets.map(({ part, entries }) => ({ [part]: entries })), retainedMiB: mib(retained) };
}

function main(argv) {
  const opts = { top: 12, paths: 3, out: null, pathsIn: null, retained: [], watch: [], split: null };
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--top') opts.top = Number(argv[++i]);
    else if (argv[i] === '--paths') opts.paths = Number(argv[++i]);
    else if (argv[i] === '--out') opts.out = argv[++i];
    else if (argv[i] === '--paths-in') opts.pathsIn = argv[++i];
    else if (argv[i] === '--retained') opts.retained.push(argv[++i]);
    else if (argv[i] === '--split') opts.split = argv[++i];
    else if (argv[i] === '--watch') opts.watch.push(...argv[++i].split(','));
    else files.push(argv[i]);
  }
  if (files.length < 2) {
    console.error(
      'usage: node scripts/heap-diff.js [--top N] [--paths N] [--paths-in file] [--retained Owner.property]... [--watch A,B] [--out summary.json] first.heapsnapshot ... last.heapsnapshot',
    );
    process.exit(2);
  }
  const pathsIn = opts.pathsIn || files[files.length - 1];
  const summaries = [];
  let keep = null;
  for (const file of files) {
    const t0 = Date.now();
    const v = view(readSnapshot(file));
    const sum = summarize(v);
    const retained = opts.retained.map((spec) => retainedBy(v, spec));
    const watched = Object.fromEntries(opts.watch.map((k) => [k, sum.byGroup.get(k) ? sum.byGroup.get(k).count : 0]));
    summaries.push({ file: path.basename(file), ...sum, ...(retained.length ? { retained } : {}), ...(opts.watch.length ? { watched } : {}) });
    if (file === pathsIn) keep = v;
    console.error(`${path.basename(file)}: ${sum.nodes} nodes, ${sum.selfSizeMiB} MiB (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const [first] = summaries;
  const growth = summaries.slice(1).map((later) => {
    const keys = new Set([...first.byGroup.keys(), ...later.byGroup.keys()]);
    const rows = [...keys].map((key) => {
      const a = first.byGroup.get(key) || { count: 0, size: 0 };
      const b = later.byGroup.get(key) || { count: 0, size: 0 };
      return { constructor: key, count: b.count - a.count, sizeMiB: mib(b.size - a.size), countAfter: b.count, sizeMiBAfter: mib(b.size) };
    });
    rows.sort((x, y) => y.sizeMiB - x.sizeMiB);
    return { from: first.file, to: later.file, selfSizeMiB: Number((later.selfSizeMiB - first.selfSizeMiB).toFixed(2)), top: rows.slice(0, opts.top), shrank: rows.slice(-3).reverse() };
  });
  const lastGrowth = growth.find((d) => d.to === path.basename(pathsIn)) || growth[growth.length - 1];
  const growers = lastGrowth.top.filter((r) => r.count > 0).slice(0, Math.min(8, opts.top)).map((r) => r.constructor);
  const retainers = opts.paths > 0 || opts.split ? paths(keep, growers, first.maxId, opts.paths, opts.split) : { byConstructor: {} };
  const result = {
    snapshots: summaries.map(({ byGroup, ...rest }) => ({
      ...rest,
      top: [...byGroup.entries()].sort((a, b) => b[1].size - a[1].size).slice(0, opts.top).map(([k, e]) => ({ constructor: k, count: e.count, sizeMiB: mib(e.size) })),
    })),
    growth,
    retainers: { in: path.basename(pathsIn), allocatedAfter: first.file, byConstructor: retainers.byConstructor },
    ...(retainers.split ? { newObjects: { in: path.basename(pathsIn), allocatedAfter: first.file, ...retainers.split } } : {}),
  };
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (opts.out) fs.writeFileSync(opts.out, json);
  else process.stdout.write(json);
}

if (require.main === module) main(process.argv.slice(2));
module.exports = { readSnapshot, view, summarize };
