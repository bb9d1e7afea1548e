/**
 * A Timetable v3 answer as a model reads it: each period with the names of its classes, subjects,
 * teachers and rooms (from the answer's masterData) instead of IDs, without its student list.
 * Optionally only the periods of a class, matched by name or long name. Pure: no n8n.
 */
type Rec = Record<string, unknown>;

const asRecords = (value: unknown): Rec[] => (Array.isArray(value) ? value.filter((entry): entry is Rec => typeof entry === 'object' && entry !== null) : []);

function namesById(records: unknown, name: (record: Rec) => unknown): Map<unknown, string> {
	return new Map(asRecords(records).map((record) => [record.id, String(name(record) ?? record.id)]));
}

const sameName = (a: unknown, b: string) => typeof a === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();

export function periodsForModel(answer: unknown, className = ''): Rec[] {
	const body = (typeof answer === 'object' && answer !== null ? answer : {}) as Rec;
	const master = (body.masterData ?? {}) as Rec;
	const classes = namesById(master.classes, (r) => r.name);
	const subjects = namesById(master.subjects, (r) => r.longName ?? r.name);
	const teachers = namesById(master.teachers, (r) => [r.firstName, r.lastName].filter(Boolean).join(' ') || r.name);
	const rooms = namesById(master.rooms, (r) => r.name);
	const wanted = className.trim() === '' ? undefined : new Set(asRecords(master.classes).filter((c) => sameName(c.name, className) || sameName(c.longName, className)).map((c) => c.id));
	const names = (refs: unknown, of: Map<unknown, string>) => asRecords(refs).map((ref) => of.get(ref.id) ?? String(ref.id));
	return asRecords(((body.timetableData ?? {}) as Rec).periods)
		.filter((period) => !wanted || asRecords(period.classes).some((ref) => wanted.has(ref.id)))
		.map((period) => ({
			date: period.date,
			startTime: period.startTime,
			endTime: period.endTime,
			status: period.status,
			classes: names(period.classes, classes),
			subjects: names(period.subjects, subjects),
			teachers: names(period.teachers, teachers),
			rooms: names(period.rooms, rooms),
		}));
}

/** Lesson v1 records of a class (its `classes` are Klasse names), or all of them. */
export function lessonsOfClass(records: unknown[], className = ''): unknown[] {
	if (className.trim() === '') return records;
	return records.filter((record) => asRecords([record]).some((r) => Array.isArray(r.classes) && r.classes.some((name) => sameName(name, className))));
}
