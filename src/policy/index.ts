export {
  DATA_CLASSIFICATION,
  FIELD_CLEARANCE,
  type Label,
  labelOf,
  type Personal,
  requireClearance,
} from './classification.ts';
export {
  type Action,
  authorize,
  CASE_STEP_ROLES,
  clearedFor,
  forbidden,
  isAction,
  mayDo,
  mayUnmaskFor,
  POLICIES,
  SCOPES,
  type Scope,
  UNMASK_PURPOSES,
  type UnmaskPurpose,
} from './policy.ts';
