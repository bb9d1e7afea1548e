import { getMany as getManyExternStudents } from './externStudent/getMany';
import { operations as platformOperations } from './platform';
import { getMany as getManyLessons } from './lesson/getMany';
import { oneRosterOperations } from './oneRoster/oneRosterOperation';
import type { Operation, Resource } from './operation';
import { get as getTimetable } from './timetable/get';
import { getDeletedPeriods } from './timetable/getDeletedPeriods';

/**
 * The node's resources, alphabetical: Platform (the operations of 1.0, its default, so that a
 * workflow saved before resources existed keeps its operation), the OneRoster 1.1 resources
 * (read-only), and the extern APIs. The node routes by resource and operation.
 */
export const PLATFORM = 'platform';

export const resources: Resource[] = [
	{ option: { name: 'Academic Session', value: 'academicSession', description: 'OneRoster: the school years' }, operations: oneRosterOperations('academicSession'), defaultOperation: 'getMany' },
	{ option: { name: 'Class', value: 'class', description: 'OneRoster: classes (an Untis lesson, not a Klasse)' }, operations: oneRosterOperations('class'), defaultOperation: 'getMany' },
	{ option: { name: 'Enrollment', value: 'enrollment', description: 'OneRoster: who is enrolled in which class' }, operations: oneRosterOperations('enrollment'), defaultOperation: 'getMany' },
	{ option: { name: 'Lesson (Extern)', value: 'lesson', description: 'Lesson API v1 (known only from public clients)' }, operations: [getManyLessons], defaultOperation: 'getMany' },
	{ option: { name: 'Org / School', value: 'org', description: 'OneRoster: orgs and schools (the same data)' }, operations: oneRosterOperations('org'), defaultOperation: 'getManySchools' },
	{ option: { name: 'Platform', value: PLATFORM, description: 'Tokens, API requests, delivery confirmation, signatures, sealing, manual entry' }, operations: platformOperations, defaultOperation: 'getAccessToken' },
	{ option: { name: 'Student', value: 'student', description: 'OneRoster: students with a WebUntis account' }, operations: oneRosterOperations('student'), defaultOperation: 'getMany' },
	{ option: { name: 'Student (Extern)', value: 'externStudent', description: 'Students API v3: every student of a school year' }, operations: [getManyExternStudents], defaultOperation: 'getMany' },
	{ option: { name: 'Teacher', value: 'teacher', description: 'OneRoster: teachers' }, operations: oneRosterOperations('teacher'), defaultOperation: 'getMany' },
	{ option: { name: 'Timetable (Extern)', value: 'timetable', description: 'Timetable API v3: periods of a date range, and deleted periods' }, operations: [getTimetable, getDeletedPeriods], defaultOperation: 'get' },
	{ option: { name: 'User', value: 'user', description: 'OneRoster: users (students, teachers, administrators ...)' }, operations: oneRosterOperations('user'), defaultOperation: 'getMany' },
];

const byKey = new Map<string, Operation>(resources.flatMap((resource) => resource.operations.map((operation) => [`${resource.option.value}:${operation.option.value}`, operation] as const)));

export const operationOf = (resource: string, operation: string): Operation | undefined => byKey.get(`${resource}:${operation}`);

/** Every operation value of the typed (non-Platform) resources, for the shared tenant fields. */
export const typedOperationValues = [...new Set(resources.filter((r) => r.option.value !== PLATFORM).flatMap((r) => r.operations.map((o) => o.option.value)))];

/**
 * The canvas subtitle: an expression n8n evaluates in the editor, mapping resource and operation
 * values to their display names ("Confirm Delivery", "Student: Get Many"). Built from the list
 * above, so a new operation needs no second entry; an unknown pair shows the operation value.
 */
export const operationSubtitle = `={{ (${JSON.stringify(
	Object.fromEntries(
		resources.flatMap((resource) =>
			resource.operations.map((operation) => [
				`${resource.option.value}:${operation.option.value}`,
				resource.option.value === PLATFORM ? operation.option.name : `${resource.option.name}: ${operation.option.name}`,
			]),
		),
	),
)})[($parameter["resource"] || "${PLATFORM}") + ":" + $parameter["operation"]] ?? $parameter["operation"] }}`;
