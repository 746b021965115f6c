import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { budgetBelowSpent, budgetExceeded, unknownDataset } from './opendata.errors.ts';
import type { Mechanism } from './opendata.tables.ts';

/**
 * A dataset's privacy budget: the total ε all its differentially private releases may spend together
 * (sequential composition: the ε of releases over the same people add up). ε is kept in millionths, so
 * that 0.1 + 0.2 spends exactly 0.3 and a release that fills the budget exactly is allowed.
 */
export const MICRO = 1_000_000;

export function toMicroepsilon(epsilon: number): number {
  return Math.round(epsilon * MICRO);
}

export interface PrivacyBudget {
  dataset: string;
  totalEpsilon: number;
  spentEpsilon: number;
  remainingEpsilon: number;
}

export interface LedgerEntry {
  id: string;
  releaseId: string;
  epsilon: number;
  mechanism: Mechanism;
  query: string;
  spentByUserId: string;
  spentAt: Date;
}

function budgetOf(row: { dataset: string; total_microepsilon: number; spent_microepsilon: number }): PrivacyBudget {
  return {
    dataset: row.dataset,
    totalEpsilon: row.total_microepsilon / MICRO,
    spentEpsilon: row.spent_microepsilon / MICRO,
    remainingEpsilon: (row.total_microepsilon - row.spent_microepsilon) / MICRO,
  };
}

export async function listBudgets(db: Db): Promise<PrivacyBudget[]> {
  const rows = await db
    .selectFrom('open_data_budgets')
    .select(['dataset', 'total_microepsilon', 'spent_microepsilon'])
    .orderBy('dataset')
    .execute();
  return rows.map(budgetOf);
}

export async function getBudget(db: Db, dataset: string): Promise<PrivacyBudget> {
  const row = await db
    .selectFrom('open_data_budgets')
    .select(['dataset', 'total_microepsilon', 'spent_microepsilon'])
    .where('dataset', '=', dataset)
    .executeTakeFirst();
  if (!row) throw unknownDataset(dataset);
  return budgetOf(row);
}

/**
 * Sets a dataset's total budget. Never below what its releases have spent: that would not take back what
 * they published. Raising it is the steward's decision, and every spending stays in the ledger.
 */
export async function setBudget(db: Db, dataset: string, totalEpsilon: number, now: Date): Promise<PrivacyBudget> {
  const total = toMicroepsilon(totalEpsilon);
  const row = await db
    .updateTable('open_data_budgets')
    .set({ total_microepsilon: total, updated_at: now })
    .where('dataset', '=', dataset)
    .where('spent_microepsilon', '<=', total)
    .returning(['dataset', 'total_microepsilon', 'spent_microepsilon'])
    .executeTakeFirst();
  if (row) return budgetOf(row);
  const current = await getBudget(db, dataset);
  throw budgetBelowSpent(dataset, current.spentEpsilon);
}

/**
 * Spends ε from a dataset's budget, or refuses (409) if it would go past the total. One conditional UPDATE:
 * PostgreSQL takes the row's lock, and a concurrent spending on the same dataset waits for it and then
 * re-reads the row before checking the condition again, so two instances releasing at once can never
 * both pass on the same remainder. The caller runs it in the transaction that stores the release and its
 * ledger entry, so a refused or failed release spends nothing. The table's check constraint is the last
 * guard behind it.
 */
export async function spendBudget(
  trx: Db,
  spending: {
    dataset: string;
    microepsilon: number;
    releaseId: string;
    mechanism: Mechanism;
    query: string;
    userId: string;
    at: Date;
  },
): Promise<void> {
  const spent = await trx
    .updateTable('open_data_budgets')
    .set({
      spent_microepsilon: sql`spent_microepsilon + ${spending.microepsilon}`,
      updated_at: spending.at,
    })
    .where('dataset', '=', spending.dataset)
    .where(sql<boolean>`spent_microepsilon + ${spending.microepsilon} <= total_microepsilon`)
    .returning('spent_microepsilon')
    .executeTakeFirst();
  if (!spent) {
    const budget = await getBudget(trx, spending.dataset);
    throw budgetExceeded(spending.dataset, spending.microepsilon / MICRO, budget.remainingEpsilon);
  }
  await trx
    .insertInto('privacy_ledger')
    .values({
      dataset: spending.dataset,
      release_id: spending.releaseId,
      microepsilon: spending.microepsilon,
      mechanism: spending.mechanism,
      query: spending.query,
      spent_by_user_id: spending.userId,
      spent_at: spending.at,
    })
    .execute();
}

export async function listLedger(db: Db, dataset: string): Promise<LedgerEntry[]> {
  const rows = await db
    .selectFrom('privacy_ledger')
    .select(['id', 'release_id', 'microepsilon', 'mechanism', 'query', 'spent_by_user_id', 'spent_at'])
    .where('dataset', '=', dataset)
    .orderBy('spent_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    releaseId: r.release_id,
    epsilon: r.microepsilon / MICRO,
    mechanism: r.mechanism,
    query: r.query,
    spentByUserId: r.spent_by_user_id,
    spentAt: r.spent_at,
  }));
}
