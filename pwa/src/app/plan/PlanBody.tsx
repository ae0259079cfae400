/**
 * What the plan says: the step, who directs, and every follow-up of the household with where it
 * stands. Follow-ups of other organisations are in it too, so there is nothing to open here:
 * the extract stays with whoever may see it.
 */
import { formatDate, t } from '../i18n';
import { localDate } from '../../sync';
import { isOverdue } from '../followups/model';
import type { FollowupView } from '../../db';
import { planOrder, type CasePlan } from './model';

export function PlanBody({ plan }: { plan: CasePlan }) {
  const m = t.value.plan;
  const today = localDate();
  const followups = planOrder(plan.followups, today);
  return (
    <>
      <dl class="facts">
        <dt>{m.step}</dt>
        <dd data-testid="plan-step">{t.value.steps[plan.process_step] ?? plan.process_step}</dd>
        <dt>{m.director}</dt>
        <dd data-testid="plan-director" data-id={plan.director?.id ?? ''}>
          {plan.director ? plan.director.display_name : m.noDirector}
        </dd>
      </dl>
      <h3 id="plan-followups-title">{m.followups}</h3>
      {followups.length === 0 ? (
        <p>{m.noFollowups}</p>
      ) : (
        <ul class="cards" aria-labelledby="plan-followups-title">
          {followups.map((view) => (
            <Item key={view.id} view={view} overdue={isOverdue(view, today)} />
          ))}
        </ul>
      )}
    </>
  );
}

function Item({ view, overdue }: { view: FollowupView; overdue: boolean }) {
  const m = t.value.followups;
  return (
    <li data-testid="plan-followup" data-id={view.id} data-state={view.state} data-overdue={String(overdue)}>
      <div class="card">
        <strong>{view.need}</strong>
        <span>{m.to(view.recipient_organisation.name)}</span>
        <span>{m.due(formatDate(view.due_on))}</span>
        {view.claimed_by && view.state !== 'open' && <span>{m.claimedBy(view.claimed_by.display_name)}</span>}
        <span class="tags">
          <span class={`tag state-${view.state}`}>{m.state[view.state] ?? view.state}</span>
          {overdue && <span class="tag urgent">{m.overdue}</span>}
        </span>
        {/* A declined need is still unmet: the director reads why before finding someone else. */}
        {view.state === 'declined' && view.decline_reason && (
          <span class="comment" data-testid="plan-decline-reason">
            {m.declineReason}: {view.decline_reason}
          </span>
        )}
        {view.state === 'done' && view.outcome && (
          <span class="comment">
            {m.outcome}: {view.outcome}
          </span>
        )}
      </div>
    </li>
  );
}
