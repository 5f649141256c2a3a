import { ValidationError, parseOrThrow, type FieldIssue } from '../../platform/errors.js';
import { inTransaction, type Db } from '../../platform/db/client.js';
import type { Actor } from '../../platform/actor.js';
import { recordAudit } from '../audit/service.js';
import { authorise } from '../../policy.js';
import * as repo from './repo.js';
import { OFFICE_LABELS, type Office } from './schema.js';
import { officeInput, type OfficeFields, type OfficeInput } from './validation.js';

// Offices are held by one person at a time, except the co-vice-chair, which has two seats. Seats are not stored:
// seat 1 is the open term that began first, seat 2 the other, so "which seat" is always said with who holds it.

const SEATS: Record<Office, number> = { chair: 1, 'co-vice-chair': 2, 'executive-lead': 1, 'workstream-sponsor': 1 };

/** A current holder the appointment would replace, and the day their term would end. */
export interface SteppingDown {
  termId: number;
  personName: string;
  startsOn: string;
  endsOn: string;
}

/** What an appointment would do, shown on its confirm step and said in the audit entry. */
export interface AppointmentPlan {
  input: OfficeInput;
  personName: string;
  /** The office in words, with the workstream or the seat, e.g. "Co-vice-chair (seat 2 of 2)". */
  officeLabel: string;
  /** For a co-vice-chair, the seat taken (1 or 2); otherwise null. */
  seat: number | null;
  /** Who holds the other seat, if anyone (co-vice-chair only). */
  alongside: string | null;
  /** The holder who steps down, if the office (or the seat) is held. */
  stepsDown: SteppingDown | null;
  /** When both co-vice-chair seats are held and no seat was chosen: the seats to choose from. */
  seatChoices: Array<{ seat: number; personName: string; startsOn: string }> | null;
}

/** An appointment to an office already held, not yet confirmed: the plan says who would step down and when. */
export class OfficeHeldError extends ValidationError {
  constructor(
    readonly plan: AppointmentPlan,
    issue: FieldIssue,
  ) {
    super([issue]);
  }
}

function dayBefore(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

async function plan(db: Db, v: OfficeInput): Promise<AppointmentPlan> {
  const person = await repo.getPerson(db, v.personId);
  if (!person) throw new ValidationError([{ field: 'personId', message: 'Choose a person from the directory' }]);
  const portfolio = v.office === 'workstream-sponsor' ? v.portfolio : null;
  const open = (await repo.openTerms(db, v.office, portfolio, v.startsOn)).sort((a, b) => a.startsOn.localeCompare(b.startsOn));
  const names = new Map<number, string>();
  for (const t of open) names.set(t.id, (await repo.getPerson(db, t.personId))?.name ?? 'someone no longer in the directory');
  const base = OFFICE_LABELS[v.office] + (portfolio ? ` (${portfolio})` : '');
  const result: AppointmentPlan = {
    input: v,
    personName: person.name,
    officeLabel: base,
    seat: null,
    alongside: null,
    stepsDown: null,
    seatChoices: null,
  };
  const leaving = (t: (typeof open)[number]): SteppingDown => ({
    termId: t.id,
    personName: names.get(t.id)!,
    startsOn: t.startsOn,
    endsOn: v.holderEndsOn ?? (t.startsOn < v.startsOn ? dayBefore(v.startsOn) : v.startsOn),
  });
  if (SEATS[v.office] === 1) {
    if (open[0]) result.stepsDown = leaving(open[0]);
    return result;
  }
  // Co-vice-chair: a free seat is taken without anyone stepping down; with both held, the editor chooses the seat.
  let seat: number;
  if (open.length < 2) seat = open.length + 1;
  else if (v.seat) seat = v.seat;
  else {
    result.seatChoices = open.slice(0, 2).map((t, i) => ({ seat: i + 1, personName: names.get(t.id)!, startsOn: t.startsOn }));
    return result;
  }
  const other = open.filter((_, i) => i !== seat - 1)[0];
  result.seat = seat;
  result.alongside = other && (open.length === 2 || seat === 2) ? names.get(other.id)! : null;
  if (open.length === 2) result.stepsDown = leaving(open[seat - 1]!);
  result.officeLabel = `${base} (seat ${seat} of 2)`;
  return result;
}

/** Says what an appointment would do (who steps down, which seat), without changing anything: the confirm step. */
export async function planAppointment(db: Db, actor: Actor, input: OfficeFields): Promise<AppointmentPlan> {
  authorise(actor, 'directory.manage');
  return plan(db, parseOrThrow(officeInput, input));
}

function checkStepDown(p: AppointmentPlan): void {
  const s = p.stepsDown;
  if (!s) return;
  const v = p.input;
  if (s.endsOn < s.startsOn || (s.endsOn >= v.startsOn && s.startsOn < v.startsOn)) {
    throw new ValidationError([
      {
        field: 'holderEndsOn',
        message: `${s.personName} must step down between ${s.startsOn} and ${dayBefore(v.startsOn)}, before ${p.personName} starts on ${v.startsOn}`,
      },
    ]);
  }
}

/**
 * Appoints someone to an office from a date. An office (or co-vice-chair seat) already held needs `confirmed: 'yes'`:
 * without it nothing changes and OfficeHeldError says who would step down; the holder's term ends on `holderEndsOn`
 * (default the day before). With both co-vice-chair seats held, `seat` says which one.
 */
export async function appointToOffice(db: Db, actor: Actor, input: OfficeFields): Promise<number> {
  authorise(actor, 'directory.manage');
  const v = parseOrThrow(officeInput, input);
  return inTransaction(db, async (tx) => {
    const p = await plan(tx, v);
    if (p.seatChoices) {
      const held = p.seatChoices.map((c) => `seat ${c.seat}: ${c.personName}`).join(', ');
      throw new OfficeHeldError(p, { field: 'seat', message: `Both co-vice-chair seats are held (${held}): choose the seat ${p.personName} takes` });
    }
    if (p.stepsDown && v.confirmed !== 'yes') {
      throw new OfficeHeldError(p, {
        field: 'confirmed',
        message: `${p.stepsDown.personName} is ${p.officeLabel}: confirm that they step down on ${p.stepsDown.endsOn}`,
      });
    }
    checkStepDown(p);
    if (p.stepsDown) await repo.endTerm(tx, p.stepsDown.termId, p.stepsDown.endsOn);
    const portfolio = v.office === 'workstream-sponsor' ? v.portfolio : null;
    const id = await repo.insertTerm(tx, { office: v.office, personId: v.personId, portfolio, startsOn: v.startsOn });
    const steps = p.stepsDown ? `; ${p.stepsDown.personName} stepped down on ${p.stepsDown.endsOn}` : '';
    const beside = p.alongside ? `, alongside ${p.alongside}` : '';
    await recordAudit(tx, actor, {
      action: 'office.appoint',
      entityType: 'person',
      entityId: v.personId,
      summary: `${p.personName} became ${p.officeLabel} from ${v.startsOn}${beside}${steps}`,
      data: { office: v.office, portfolio, seat: p.seat, startsOn: v.startsOn, steppedDown: p.stepsDown },
    });
    return id;
  });
}
