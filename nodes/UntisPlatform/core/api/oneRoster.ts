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
	/** How the operation is offered: its name, what it returns, the action's words. */
	texts: EndpointTexts;
}

export interface EndpointTexts {
	name: string;
	description: string;
	action: string;
}

const collection = (label: string, path: string, envelope: string, texts: EndpointTexts): OneRosterEndpoint => ({ label, path, envelope, single: false, texts });
const one = (label: string, path: string, envelope: string, texts: EndpointTexts): OneRosterEndpoint => ({ label, path, envelope, single: true, texts });

/**
 * resource → operation → endpoint: the one catalogue every node builds its OneRoster operations
 * from (a Get or a Get Many each, actions/oneRoster/oneRosterOperation.ts), not a file per operation.
 */
export const ONEROSTER_ENDPOINTS = {
	org: {
		get: one('org', '/orgs/{id}', 'org', { name: 'Get', description: 'An org by its sourcedId (/orgs/{id})', action: 'Get an org' }),
		getMany: collection('orgs', '/orgs', 'orgs', { name: 'Get Many', description: 'Every org (/orgs)', action: 'Get many orgs' }),
		getSchool: one('school', '/schools/{id}', 'org', { name: 'Get School', description: 'A school by its sourcedId (/schools/{id})', action: 'Get a school' }),
		getManySchools: collection('schools', '/schools', 'orgs', { name: 'Get Many Schools', description: 'Every school (/schools: the same data as /orgs)', action: 'Get many schools' }),
	},
	user: {
		get: one('user', '/users/{id}', 'user', { name: 'Get', description: 'A user by its sourcedId (/users/{id})', action: 'Get a user' }),
		getMany: collection('users', '/users', 'users', { name: 'Get Many', description: 'Every user with a WebUntis account (/users)', action: 'Get many users' }),
	},
	student: {
		get: one('student', '/students/{id}', 'user', { name: 'Get', description: 'A student by its sourcedId (/students/{id})', action: 'Get a student' }),
		getMany: collection('students', '/students', 'users', { name: 'Get Many', description: 'Every student with a WebUntis account (/students)', action: 'Get many students' }),
		getManyOfSchool: collection('students of a school', '/schools/{schoolId}/students', 'users', { name: 'Get Many of a School', description: 'The students of a school (/schools/{id}/students)', action: 'Get many students of a school' }),
		getManyOfClass: collection('students of a class', '/classes/{classId}/students', 'users', { name: 'Get Many of a Class', description: 'The students of a class (/classes/{id}/students)', action: 'Get many students of a class' }),
	},
	teacher: {
		get: one('teacher', '/teachers/{id}', 'user', { name: 'Get', description: 'A teacher by its sourcedId (/teachers/{id})', action: 'Get a teacher' }),
		getMany: collection('teachers', '/teachers', 'users', { name: 'Get Many', description: 'Every teacher (/teachers)', action: 'Get many teachers' }),
		getManyOfSchool: collection('teachers of a school', '/schools/{schoolId}/teachers', 'users', { name: 'Get Many of a School', description: 'The teachers of a school (/schools/{id}/teachers)', action: 'Get many teachers of a school' }),
		getManyOfClass: collection('teachers of a class', '/classes/{classId}/teachers', 'users', { name: 'Get Many of a Class', description: 'The teachers of a class (/classes/{id}/teachers)', action: 'Get many teachers of a class' }),
	},
	class: {
		get: one('class', '/classes/{id}', 'class', { name: 'Get', description: 'A class (an Untis lesson) by its sourcedId (/classes/{id})', action: 'Get a class' }),
		getMany: collection('classes', '/classes', 'classes', { name: 'Get Many', description: 'Every class: a OneRoster class is an Untis lesson (/classes)', action: 'Get many classes' }),
	},
	academicSession: {
		get: one('academic session', '/academicSessions/{id}', 'academicSession', { name: 'Get', description: 'An academic session by its sourcedId (/academicSessions/{id})', action: 'Get an academic session' }),
		getMany: collection('academic sessions', '/academicSessions', 'academicSessions', { name: 'Get Many', description: 'Every academic session: school years only (/academicSessions)', action: 'Get many academic sessions' }),
	},
	enrollment: {
		get: one('enrollment', '/enrollments/{id}', 'enrollment', { name: 'Get', description: 'An enrollment by its sourcedId (/enrollments/{id})', action: 'Get an enrollment' }),
		getMany: collection('enrollments', '/enrollments', 'enrollments', { name: 'Get Many', description: 'Every enrollment of the current school year (/enrollments)', action: 'Get many enrollments' }),
		getManyOfSchool: collection('enrollments of a school', '/schools/{schoolId}/enrollments', 'enrollments', { name: 'Get Many of a School', description: 'The enrollments of a school (/schools/{id}/enrollments)', action: 'Get many enrollments of a school' }),
		getManyOfClass: collection('enrollments of a class in a school', '/schools/{schoolId}/classes/{classId}/enrollments', 'enrollments', { name: 'Get Many of a Class', description: 'The enrollments of a class in a school (/schools/{id}/classes/{id}/enrollments)', action: 'Get many enrollments of a class' }),
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

/**
 * What a search text is compared with in each resource's collections (OneRoster's `~`, at most
 * two fields joined by OR): the read-only tool's Search. Enrollments carry no name to search.
 */
export const ONEROSTER_SEARCH: Record<OneRosterResource, readonly string[]> = {
	org: ['name'],
	user: ['givenName', 'familyName'],
	student: ['givenName', 'familyName'],
	teacher: ['givenName', 'familyName'],
	class: ['title'],
	academicSession: ['title'],
	enrollment: [],
};
