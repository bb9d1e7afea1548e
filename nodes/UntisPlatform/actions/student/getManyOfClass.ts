import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Student: The students of a class (/classes/{id}/students). */
export const getManyOfClass = oneRosterOperation('student', 'getManyOfClass', {
	name: 'Get Many of a Class',
	description: 'The students of a class (/classes/{id}/students)',
	action: 'Get many students of a class',
});
