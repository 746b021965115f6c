export {
  DATA_CLASSIFICATION,
  FIELD_CLEARANCE,
  type Label,
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
  PURPOSES_TO_UNMASK,
  SCOPES,
  TOKEN_SCOPES,
  UNMASK_PURPOSES,
  type UnmaskPurpose,
} from './policy.ts';
