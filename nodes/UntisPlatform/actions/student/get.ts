import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Student: A student by its sourcedId (/students/{id}). */
export const get = oneRosterOperation('student', 'get', {
	name: 'Get',
	description: 'A student by its sourcedId (/students/{id})',
	action: 'Get a student',
});
