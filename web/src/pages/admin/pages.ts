/** The administration pages: one chunk, loaded when an admin first opens 系统管理. */
export { Admin } from './Admin';
export { AuditLog } from './AuditLog';
export { CallbackSettings } from './CallbackSettings';
export { Catalog } from './Catalog';
export { Departments } from './Departments';
export { Integrations } from './Integrations';
export { Outbox } from './Outbox';
export { Policies } from './Policies';
export { Proxy } from './Proxy';
export { Regions } from './Regions';
export { Taxonomy } from './Taxonomy';
export { Users } from './Users';
export { WorkCalendar } from './WorkCalendar';
