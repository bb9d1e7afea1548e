import { recordsOf } from './paging';
import { QueryError } from './oneRosterFilter';
import { pathSegment } from './pathSegment';

/**
 * The 22 OneRoster 1.1 endpoints Untis documents (developer.untis.com, "OneRoster APIs"; GET
 * only), as data: which path, which envelope. A collection answers `{"users":[...]}`, one object
 * `{"user":{...}}`; students and teachers are users. Paths are built with each ID URL-encoded.
 */
export const ONEROSTER_BASE = '/ims/oneroster/v1p1';

export type Scope = 'all' | 'school' | 'class' | 'schoolClass';

export interface OneRosterEndpoint {
	/** e.g. "students of a class", for messages. */
	label: string;
	/** Below ONEROSTER_BASE, with {id}, {schoolId}, {classId}. */
	path: string;
	/** The envelope's key: plural for a collection, singular for one object. */
	envelope: string;
	single: boolean;
}

const collection = (label: string, path: string, envelope: string): OneRosterEndpoint => ({ label, path, envelope, single: false });
const one = (label: string, path: string, envelope: string): OneRosterEndpoint => ({ label, path, envelope, single: true });

/** resource → operation → endpoint. */
export const ONEROSTER_ENDPOINTS = {
	org: {
		get: one('org', '/orgs/{id}', 'org'),
		getMany: collection('orgs', '/orgs', 'orgs'),
		getSchool: one('school', '/schools/{id}', 'org'),
		getManySchools: collection('schools', '/schools', 'orgs'),
	},
	user: {
		get: one('user', '/users/{id}', 'user'),
		getMany: collection('users', '/users', 'users'),
	},
	student: {
		get: one('student', '/students/{id}', 'user'),
		getMany: collection('students', '/students', 'users'),
		getManyOfSchool: collection('students of a school', '/schools/{schoolId}/students', 'users'),
		getManyOfClass: collection('students of a class', '/classes/{classId}/students', 'users'),
	},
	teacher: {
		get: one('teacher', '/teachers/{id}', 'user'),
		getMany: collection('teachers', '/teachers', 'users'),
		getManyOfSchool: collection('teachers of a school', '/schools/{schoolId}/teachers', 'users'),
		getManyOfClass: collection('teachers of a class', '/classes/{classId}/teachers', 'users'),
	},
	class: {
		get: one('class', '/classes/{id}', 'class'),
		getMany: collection('classes', '/classes', 'classes'),
	},
	academicSession: {
		get: one('academic session', '/academicSessions/{id}', 'academicSession'),
		getMany: collection('academic sessions', '/academicSessions', 'academicSessions'),
	},
	enrollment: {
		get: one('enrollment', '/enrollments/{id}', 'enrollment'),
		getMany: collection('enrollments', '/enrollments', 'enrollments'),
		getManyOfSchool: collection('enrollments of a school', '/schools/{schoolId}/enrollments', 'enrollments'),
		getManyOfClass: collection('enrollments of a class in a school', '/schools/{schoolId}/classes/{classId}/enrollments', 'enrollments'),
	},
} as const satisfies Record<string, Record<string, OneRosterEndpoint>>;

export type OneRosterResource = keyof typeof ONEROSTER_ENDPOINTS;

export const MAX_ID_LENGTH = 200;

/** The path with its IDs filled in (each trimmed, capped, URL-encoded); an empty, `.` or `..` ID is refused. */
export function endpointPath(endpoint: OneRosterEndpoint, ids: Partial<Record<'id' | 'schoolId' | 'classId', string>>): string {
	const filled = endpoint.path.replace(/\{(id|schoolId|classId)\}/g, (_match, name: 'id' | 'schoolId' | 'classId') => {
		const value = String(ids[name] ?? '').trim();
		const label = name === 'id' ? 'Sourced ID' : name === 'schoolId' ? 'School Sourced ID' : 'Class Sourced ID';
		if (value === '') throw new QueryError(`${label} is empty: enter the sourcedId of the ${name === 'id' ? endpoint.label : name === 'schoolId' ? 'school' : 'class'}`);
		if (value.length > MAX_ID_LENGTH) throw new QueryError(`${label} is ${value.length} characters long; at most ${MAX_ID_LENGTH}`);
		return pathSegment(value, label, (message) => new QueryError(message));
	});
	return `${ONEROSTER_BASE}${filled}`;
}

/** One object out of `{"user":{...}}`; an answer without the envelope is passed through as given. */
export function unwrapOne(body: unknown, envelope: string): Record<string, unknown> {
	if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
		const inner = (body as Record<string, unknown>)[envelope];
		if (typeof inner === 'object' && inner !== null && !Array.isArray(inner)) return inner as Record<string, unknown>;
		return body as Record<string, unknown>;
	}
	return { value: body };
}

/** The records of a collection page: the envelope's array, else the answer's one array. */
export function unwrapMany(body: unknown, envelope: string): unknown[] | undefined {
	if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
		const inner = (body as Record<string, unknown>)[envelope];
		if (Array.isArray(inner)) return inner;
	}
	return recordsOf(body);
}
