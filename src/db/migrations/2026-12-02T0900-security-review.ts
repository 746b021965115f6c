import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any> and plain SQL, never the application's types.

/**
 * Fixes from an attacker's review: what a routing rule suggests is kept apart from who holds a case,
 * reach over the city is an explicit grant, audit entries carry a MAC made with a key the database does not
 * hold, sign-in codes no longer need an account to exist, and masked text may be longer than typed text.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // A rule's assisting bodies (协办) are a suggestion shown to the dispatcher; only a dispatch that names
  // them lets them hold the case. Until now the suggestion was written where holders are kept.
  await sql`alter table cases add column suggested_assisting_body_ids uuid[] not null default '{}'`.execute(db);
  // A case no dispatch has named anyone for yet holds the very suggestion made at intake; the others get
  // their rule's assisting bodies as they are now (the suggestion made then was overwritten at dispatch).
  await sql`
    update cases set suggested_assisting_body_ids = case
      when current_dispatch_id is null and status in ('reported', 'registered') then assisting_body_ids
      else coalesce((select r.assisting_body_ids from routing_rules r where r.id = cases.routing_rule_id), '{}')
    end`.execute(db);
  // current_dispatch_id names the dispatch in force only: one that ended (verified) is no longer in force.
  await sql`
    update cases set current_dispatch_id = null
    where current_dispatch_id in (select id from case_dispatches where ended_at is not null)`.execute(db);
  // Cases no dispatch holds have no assisting bodies (those were suggestions, or a dispatch that ended).
  await sql`
    update cases set assisting_body_ids = '{}'
    where current_dispatch_id is null and status not in ('verified', 'closed')`.execute(db);

  // No areas used to mean the whole city. Now the whole city is a grant of its own, given to the staff
  // who had it by having no areas; a grid worker is always limited to areas, and with none sees nothing.
  await sql`alter table users add column city_wide boolean not null default false`.execute(db);
  await sql`
    update users set city_wide = true
    where role in ('dispatcher', 'supervisor', 'admin', 'data_steward', 'auditor')
      and not exists (select 1 from user_jurisdictions j where j.user_id = users.id)`.execute(db);
  await sql`
    alter table users add constraint users_city_wide_check
    check (not city_wide or role in ('dispatcher', 'supervisor', 'admin', 'data_steward', 'auditor'))`.execute(db);

  // Masks can be longer than what they hide (a@b.cc → a***@b.cc): the stored text may outgrow the limit
  // the API puts on what is typed.
  await sql`alter table cases drop constraint cases_title_check`.execute(db);
  await sql`alter table cases add constraint cases_title_check check (length(title) between 1 and 400)`.execute(db);
  await sql`alter table cases drop constraint cases_description_check`.execute(db);
  await sql`alter table cases add constraint cases_description_check check (length(description) <= 20000)`.execute(db);

  // Each entry's hash is MACed with a key from the key file (kept apart from the database), so whoever can
  // write the table cannot recompute a chain that verifies. Entries written before have none.
  await sql`alter table audit_log add column mac text, add column mac_key_id text`.execute(db);

  // A sign-in code goes to a number that may have no account yet: the account is made once the code is
  // verified. The number is sealed with the code (for sending it), and the address that asked is kept for
  // the per-address limit.
  await sql`alter table sign_in_codes add column sealed_phone text, add column key_id text, add column ip text`.execute(
    db,
  );
  await sql`create index sign_in_codes_ip_idx on sign_in_codes (ip, created_at desc)`.execute(db);
  await sql`alter table notifications alter column person_id drop not null`.execute(db);
  await sql`alter table notifications add column sign_in_code_id uuid references sign_in_codes (id) on delete cascade`.execute(
    db,
  );
  await sql`
    alter table notifications add constraint notifications_recipient_check
    check (person_id is not null or sign_in_code_id is not null)`.execute(db);

  // Whether a citizen reported the case from their own account: then they answer its survey and reopen it
  // themselves, and the desk acts for a reporter only for callers on record (hotline cases).
  await sql`alter table cases add column reported_by_citizen boolean not null default false`.execute(db);
  await sql`
    update cases set reported_by_citizen = true
    where reported_by_user_id in (select id from users where role = 'citizen')`.execute(db);

  // A citizen's priority is a request the desk confirms when it registers the case.
  await sql`alter table cases add column requested_priority text
    check (requested_priority in ('low', 'normal', 'high', 'urgent'))`.execute(db);
  // The per-account intake quota counts a reporter's recent cases.
  await sql`create index cases_reporter_created_idx on cases (reported_by_user_id, created_at desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index cases_reporter_created_idx`.execute(db);
  await sql`alter table cases drop column requested_priority`.execute(db);
  await sql`alter table cases drop column reported_by_citizen`.execute(db);
  await sql`alter table notifications drop constraint notifications_recipient_check`.execute(db);
  await sql`alter table notifications drop column sign_in_code_id`.execute(db);
  await sql`delete from notifications where person_id is null`.execute(db);
  await sql`alter table notifications alter column person_id set not null`.execute(db);
  await sql`drop index sign_in_codes_ip_idx`.execute(db);
  await sql`alter table sign_in_codes drop column sealed_phone, drop column key_id, drop column ip`.execute(db);
  await sql`alter table audit_log drop column mac, drop column mac_key_id`.execute(db);
  await sql`alter table cases drop constraint cases_description_check`.execute(db);
  await sql`alter table cases add constraint cases_description_check check (length(description) <= 10000)`.execute(db);
  await sql`alter table cases drop constraint cases_title_check`.execute(db);
  await sql`alter table cases add constraint cases_title_check check (length(title) between 1 and 200)`.execute(db);
  await sql`alter table users drop constraint users_city_wide_check`.execute(db);
  await sql`alter table users drop column city_wide`.execute(db);
  await sql`alter table cases drop column suggested_assisting_body_ids`.execute(db);
}
