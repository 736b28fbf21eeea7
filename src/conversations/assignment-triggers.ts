/**
 * What the agent and inbox services tell auto-assignment: moments when waiting conversations may now
 * find an agent, or when an agent's conversations must find another one.
 */
export interface AssignmentTriggers {
  /** An agent came online, got more capacity, joined an inbox, or an inbox turned assignment on. */
  workMayBeTaken(scope: { userId?: string; inboxId?: string }): Promise<void>;
  /** An agent left an inbox: their open conversations there go to someone else. */
  agentLeftInbox(inboxId: string, userId: string): Promise<void>;
}
