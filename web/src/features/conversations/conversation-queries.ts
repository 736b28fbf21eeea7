/** What the conversation screens read: agents, inboxes, teams, customers' names, and duration text. */
import { useQuery } from '@tanstack/react-query';
import { agentsQuery, inboxesQuery, teamsQuery } from '../settings/assignment-queries';

export function useAgents() {
  return useQuery({ ...agentsQuery, staleTime: 30_000, select: (r) => r.data });
}

export function useInboxes() {
  return useQuery({ ...inboxesQuery, staleTime: 60_000, select: (r) => r.data });
}

/** Each agent's name (their e-mail when they have none) by user id; empty until loaded. */
export function useAgentNames(): Map<string, string> {
  const { data } = useAgents();
  return new Map((data ?? []).map((a) => [a.user_id, a.name || a.email]));
}

/** Each inbox's name by id; empty until loaded. */
export function useInboxNames(): Map<string, string> {
  const { data } = useInboxes();
  return new Map((data ?? []).map((i) => [i.id, i.name]));
}

export function useTeams() {
  return useQuery({ ...teamsQuery, staleTime: 60_000, select: (r) => r.data });
}

/** How long since `iso`, in the largest whole unit: "5 min", "3 hr", "2 days" (or 分钟 / 小时 / 天). */
export function formatWaiting(iso: string, language: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  const [value, unit] =
    minutes < 60
      ? [minutes, 'minute']
      : minutes < 48 * 60
        ? [Math.floor(minutes / 60), 'hour']
        : [Math.floor(minutes / 1440), 'day'];
  return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}

export const STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;
export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export const PRIORITY_COLOR: Record<string, string> = {
  low: 'gray',
  medium: 'blue',
  high: 'orange',
  urgent: 'red',
};
export const STATUS_COLOR: Record<string, string> = {
  open: 'blue',
  pending: 'yellow',
  snoozed: 'grape',
  resolved: 'green',
};
