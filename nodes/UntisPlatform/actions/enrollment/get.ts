import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Enrollment: An enrollment by its sourcedId (/enrollments/{id}). */
export const get = oneRosterOperation('enrollment', 'get', {
	name: 'Get',
	description: 'An enrollment by its sourcedId (/enrollments/{id})',
	action: 'Get an enrollment',
});
