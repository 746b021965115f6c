export { type Open311Deps, open311Routes, sendError as sendOpen311Error } from './open311.routes.ts';
