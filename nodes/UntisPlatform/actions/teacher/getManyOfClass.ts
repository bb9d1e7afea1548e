import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Teacher: The teachers of a class (/classes/{id}/teachers). */
export const getManyOfClass = oneRosterOperation('teacher', 'getManyOfClass', {
	name: 'Get Many of a Class',
	description: 'The teachers of a class (/classes/{id}/teachers)',
	action: 'Get many teachers of a class',
});
