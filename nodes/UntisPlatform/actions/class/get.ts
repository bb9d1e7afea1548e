import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Class: A class (an Untis lesson) by its sourcedId (/classes/{id}). */
export const get = oneRosterOperation('class', 'get', {
	name: 'Get',
	description: 'A class (an Untis lesson) by its sourcedId (/classes/{id})',
	action: 'Get a class',
});
