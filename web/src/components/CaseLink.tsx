import { linkTo } from '../router.ts';

/** A case number that opens the case. */
export function CaseLink({ caseNumber }: { caseNumber: string }) {
  return (
    <a class="case-number" {...linkTo(`/cases/${caseNumber}`)}>
      {caseNumber}
    </a>
  );
}
