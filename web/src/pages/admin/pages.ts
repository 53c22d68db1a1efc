/** The administration pages: one chunk, loaded when an admin first opens 系统管理. */
export { Admin } from './Admin';
export { AuditLog } from './AuditLog';
export { Catalog } from './Catalog';
export { WorkCalendar } from './WorkCalendar';
