/**
 * Which agent gets the next conversation of an inbox, pure. Only online members below capacity are
 * eligible (busy and offline are skipped). Round robin gives it to the eligible member who has waited
 * longest since their last assignment in this inbox, which stays fair when people come and go;
 * balanced gives it to the one with the fewest open conversations, ties broken the round-robin way.
 */
import type { Availability } from '../../conversations/conversation-fields.js';
import type { AssignmentMode } from '../../conversations/inbox-service.js';

export interface AgentCandidate {
  userId: string;
  availability: Availability;
  /** null = no limit. */
  capacity: number | null;
  openCount: number;
  /** Last assignment in this inbox; null = never. */
  lastAssignedAt: string | null;
}

export function isEligible(agent: AgentCandidate): boolean {
  return agent.availability === 'online' && (agent.capacity === null || agent.openCount < agent.capacity);
}

function roundRobinOrder(a: AgentCandidate, b: AgentCandidate): number {
  if (a.lastAssignedAt !== b.lastAssignedAt) {
    if (a.lastAssignedAt === null) return -1;
    if (b.lastAssignedAt === null) return 1;
    return a.lastAssignedAt < b.lastAssignedAt ? -1 : 1;
  }
  return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
}

export function pickAgent(mode: AssignmentMode, candidates: readonly AgentCandidate[]): string | null {
  const eligible = candidates.filter(isEligible);
  if (eligible.length === 0) return null;
  const order =
    mode === 'balanced'
      ? (a: AgentCandidate, b: AgentCandidate) => a.openCount - b.openCount || roundRobinOrder(a, b)
      : roundRobinOrder;
  return eligible.reduce((best, c) => (order(c, best) < 0 ? c : best)).userId;
}
