import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Teacher: A teacher by its sourcedId (/teachers/{id}). */
export const get = oneRosterOperation('teacher', 'get', {
	name: 'Get',
	description: 'A teacher by its sourcedId (/teachers/{id})',
	action: 'Get a teacher',
});
